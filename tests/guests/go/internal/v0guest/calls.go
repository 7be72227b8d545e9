package v0guest

import (
	"net"
	"runtime"
	"syscall"
	"unsafe"
)

// hostAF holds the host's numbers for the guest families, asked once at
// start as the existing library does; every later call passes these.
var hostAF struct{ unix, inet, inet6 int32 }

func init() {
	hostAF.unix = sock_determine_host_af_family(syscall.AF_UNIX)
	hostAF.inet = sock_determine_host_af_family(syscall.AF_INET)
	hostAF.inet6 = sock_determine_host_af_family(syscall.AF_INET6)
}

// HostFamilies reports what sock_determine_host_af_family answered for
// unix, inet and inet6.
func HostFamilies() (unix, inet, inet6 int32) { return hostAF.unix, hostAF.inet, hostAF.inet6 }

func errnoErr(e uint32) error {
	if e == 0 {
		return nil
	}
	return syscall.Errno(e)
}

func familyOf(addr net.Addr) int32 {
	ipFamily := func(ip net.IP) int32 {
		if ip.To4() == nil {
			return hostAF.inet6
		}
		return hostAF.inet
	}
	switch a := addr.(type) {
	case *net.TCPAddr:
		return ipFamily(a.IP)
	case *net.UDPAddr:
		return ipFamily(a.IP)
	case *net.UnixAddr:
		return hostAF.unix
	}
	return hostAF.inet
}

func sockOpen(family int32, sotype int) (int32, error) {
	fd := int32(-1)
	err := errnoErr(sock_open(family, int32(sotype), 0, unsafe.Pointer(&fd)))
	return fd, err
}

func sockBind(fd int32, a *rawAddr) error {
	p, n := a.ptr()
	return errnoErr(sock_bind(fd, p, n))
}

func sockConnect(fd int32, a *rawAddr) error {
	p, n := a.ptr()
	return errnoErr(sock_connect(fd, p, n))
}

func sockListen(fd int32) error { return errnoErr(sock_listen(fd, backlog)) }

func sockAccept(fd int32) (int32, rawAddr, error) {
	var nfd int32
	var peer rawAddr
	p, n := peer.ptr()
	err := errnoErr(sock_accept(fd, unsafe.Pointer(&nfd), p, n))
	return nfd, peer, err
}

func sockGetInt(fd int32, level, name uint32) (int32, error) {
	var v int32
	err := errnoErr(sock_getsockopt(fd, level, name, unsafe.Pointer(&v), 4))
	return v, err
}

func sockSetInt(fd int32, level, name uint32, v int32) error {
	return errnoErr(sock_setsockopt(fd, level, name, unsafe.Pointer(&v), 4))
}

func sockSetTimeval(fd int32, level, name uint32, tv timeval) error {
	return errnoErr(sock_setsockopt(fd, level, name, unsafe.Pointer(&tv), uint32(unsafe.Sizeof(tv))))
}

func sockLocal(fd int32) (rawAddr, error) {
	var a rawAddr
	p, n := a.ptr()
	return a, errnoErr(sock_getlocaladdr(fd, p, n))
}

func sockPeer(fd int32) (rawAddr, error) {
	var a rawAddr
	p, n := a.ptr()
	return a, errnoErr(sock_getpeeraddr(fd, p, n))
}

// sockRecvFrom is one non-blocking receive into b: no control data, flags 0,
// a 130-byte address buffer. The count goes to a Go int (8 bytes) of which
// the host fills the low 4, as in the existing library.
func sockRecvFrom(fd int32, b []byte) (int, rawAddr, error) {
	var from rawAddr
	var n int
	var oflags int32
	vec := oneVec(b)
	p, alen := from.ptr()
	e := sock_recv_from(fd, unsafe.Pointer(&vec[0]), uint32(len(vec)), nil, 0, p, alen, 0,
		unsafe.Pointer(&n), unsafe.Pointer(&oflags))
	runtime.KeepAlive(b)
	return n, from, errnoErr(e)
}

// sockSendTo is one send of b to `to` with flags 0: never MSG_DONTWAIT, so
// a stream send is expected to write everything.
func sockSendTo(fd int32, b []byte, to *rawAddr) (int, error) {
	var n int
	vec := oneVec(b)
	p, alen := to.ptr()
	e := sock_send_to(fd, unsafe.Pointer(&vec[0]), uint32(len(vec)), nil, 0, p, alen, 0, unsafe.Pointer(&n))
	runtime.KeepAlive(b)
	runtime.KeepAlive(to)
	return n, errnoErr(e)
}

func sockShutdown(fd int32, how int32) error { return errnoErr(sock_shutdown(fd, how)) }
