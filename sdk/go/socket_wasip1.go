//go:build wasip1

package wasinet

import (
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

// Linux numbers, which wasinet_v0 uses for socket types, levels and
// options (docs/wasinet_v0.md, "Options").
const (
	sockStream = 1
	sockDgram  = 2

	solSocket   = 1
	soReuseAddr = 2
	soError     = 4
	soBroadcast = 6
	soSndBuf    = 7
	soRcvBuf    = 8
	soKeepAlive = 9
	soLinger    = 13
	ipprotoTCP  = 6
	tcpNoDelay  = 1
	ipprotoIPv6 = 41
	ipv6V6Only  = 26
	listenQueue = 4096 // the kernel caps it at net.core.somaxconn
	maxAddrsAsk = 64   // answers asked of sock_getaddrip per name
	wasiAFUnix  = 1    // WASI's own family numbers, which
	wasiAFInet  = 2    // sock_determine_host_af_family translates
	wasiAFInet6 = 3
)

var hostFamilies = sync.OnceValue(func() families {
	return families{
		unix:  uint16(sock_determine_host_af_family(wasiAFUnix)),
		inet:  uint16(sock_determine_host_af_family(wasiAFInet)),
		inet6: uint16(sock_determine_host_af_family(wasiAFInet6)),
	}
})

func errnoErr(e uint32) error {
	if e == 0 {
		return nil
	}
	return syscall.Errno(e)
}

func sockOpen(family uint16, sotype int32) (int32, error) {
	fd := int32(-1)
	err := errnoErr(sock_open(int32(family), sotype, 0, unsafe.Pointer(&fd)))
	return fd, err
}

func sockBind(fd int32, a *rawAddr) error {
	return errnoErr(sock_bind(fd, unsafe.Pointer(a), uint32(len(a))))
}

func sockConnect(fd int32, a *rawAddr) error {
	return errnoErr(sock_connect(fd, unsafe.Pointer(a), uint32(len(a))))
}

func sockListen(fd int32) error { return errnoErr(sock_listen(fd, listenQueue)) }

func sockSetInt(fd int32, level, name uint32, v int32) error {
	return errnoErr(sock_setsockopt(fd, level, name, unsafe.Pointer(&v), 4))
}

// sockError reads SO_ERROR: the host returns the pending error (a failed
// connect's) as the call's errno and clears it.
func sockError(fd int32) error {
	var v int32
	return errnoErr(sock_getsockopt(fd, solSocket, soError, unsafe.Pointer(&v), 4))
}

func sockLocal(fd int32) (sockAddr, error) {
	var a rawAddr
	if err := errnoErr(sock_getlocaladdr(fd, unsafe.Pointer(&a), uint32(len(a)))); err != nil {
		return sockAddr{}, os.NewSyscallError("getsockname", err)
	}
	return a.decode(hostFamilies())
}

func sockPeer(fd int32) (sockAddr, error) {
	var a rawAddr
	if err := errnoErr(sock_getpeeraddr(fd, unsafe.Pointer(&a), uint32(len(a)))); err != nil {
		return sockAddr{}, os.NewSyscallError("getpeername", err)
	}
	return a.decode(hostFamilies())
}

// iovec is wasinet_v0's scatter/gather entry: {u64 buf, u32 len, 4 bytes
// of padding}, which is how Go's wasm port lays out this struct.
type iovec struct {
	buf unsafe.Pointer
	len uint32
}

// sockRecvFrom is one non-blocking receive of a datagram into b, with its
// source address.
func sockRecvFrom(fd int32, b []byte, from *rawAddr) (int, error) {
	var nread, oflags uint32
	vec := iovec{buf: unsafe.Pointer(unsafe.SliceData(b)), len: uint32(len(b))}
	e := sock_recv_from(fd, unsafe.Pointer(&vec), 1, nil, 0, unsafe.Pointer(from), uint32(len(from)), 0,
		unsafe.Pointer(&nread), unsafe.Pointer(&oflags))
	runtime.KeepAlive(b)
	return int(nread), errnoErr(e)
}

// sockSendTo sends one datagram; to nil means the connected peer.
func sockSendTo(fd int32, b []byte, to *rawAddr) (int, error) {
	var nwritten uint32
	vec := iovec{buf: unsafe.Pointer(unsafe.SliceData(b)), len: uint32(len(b))}
	p, plen := unsafe.Pointer(nil), uint32(0)
	if to != nil {
		p, plen = unsafe.Pointer(to), uint32(len(to))
	}
	e := sock_send_to(fd, unsafe.Pointer(&vec), 1, nil, 0, p, plen, 0, unsafe.Pointer(&nwritten))
	runtime.KeepAlive(b)
	runtime.KeepAlive(to)
	return int(nwritten), errnoErr(e)
}

// newSocketFile opens a socket and wraps it in an *os.File that Go's
// netpoller drives: os.NewFile registers an fd with the poller when the
// fd reports NONBLOCK, which wasinet_v0 sockets do; setting it here as
// well keeps that true on a host that made it blocking.
func newSocketFile(family uint16, sotype int32, name string) (*os.File, int32, error) {
	fd, err := sockOpen(family, sotype)
	if err != nil {
		return nil, -1, os.NewSyscallError("socket", err)
	}
	if err := syscall.SetNonblock(int(fd), true); err != nil {
		syscall.Close(int(fd))
		return nil, -1, os.NewSyscallError("setnonblock", err)
	}
	return os.NewFile(uintptr(fd), name), fd, nil
}

func sock_getpeeraddrRaw(fd int32, a *rawAddr) uint32 {
	return sock_getpeeraddr(fd, unsafe.Pointer(a), uint32(len(a)))
}
