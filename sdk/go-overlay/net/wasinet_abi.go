// wasinet overlay for package net (see sdk/go-overlay/README.md): the
// host module wasinet_v0 (docs/wasinet_v0.md), which gives a wasip1 guest
// real sockets. Every call returns a WASI errno except
// sock_determine_host_af_family; pointers are offsets into the guest's
// memory, which the host bounds-checks.

//go:build wasip1

package net

import (
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

//go:wasmimport wasinet_v0 sock_open
//go:noescape
func wasinet_sock_open(af, socktype, proto int32, fd unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_bind
//go:noescape
func wasinet_sock_bind(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_connect
//go:noescape
func wasinet_sock_connect(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_listen
func wasinet_sock_listen(fd, backlog int32) uint32

//go:wasmimport wasinet_v0 sock_accept
//go:noescape
func wasinet_sock_accept(fd int32, nfd, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_getsockopt
//go:noescape
func wasinet_sock_getsockopt(fd int32, level, name uint32, val unsafe.Pointer, vallen uint32) uint32

//go:wasmimport wasinet_v0 sock_setsockopt
//go:noescape
func wasinet_sock_setsockopt(fd int32, level, name uint32, val unsafe.Pointer, vallen uint32) uint32

//go:wasmimport wasinet_v0 sock_getlocaladdr
//go:noescape
func wasinet_sock_getlocaladdr(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_getpeeraddr
//go:noescape
func wasinet_sock_getpeeraddr(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_recv_from
//go:noescape
func wasinet_sock_recv_from(fd int32, iovs unsafe.Pointer, iovslen uint32, oob unsafe.Pointer, ooblen uint32,
	addr unsafe.Pointer, addrlen uint32, iflags int32, nread, oflags unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_send_to
//go:noescape
func wasinet_sock_send_to(fd int32, iovs unsafe.Pointer, iovslen uint32, oob unsafe.Pointer, ooblen uint32,
	addr unsafe.Pointer, addrlen uint32, flags int32, nwritten unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_getaddrip
//go:noescape
func wasinet_sock_getaddrip(network unsafe.Pointer, networklen uint32, host unsafe.Pointer, hostlen uint32,
	out unsafe.Pointer, outmax uint32, outlen unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_getaddrport
//go:noescape
func wasinet_sock_getaddrport(network unsafe.Pointer, networklen uint32, service unsafe.Pointer, servicelen uint32,
	port unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_determine_host_af_family
func wasinet_sock_determine_host_af_family(af int32) int32

// Linux numbers, which wasinet_v0 takes for levels, options and flags.
const (
	wasinetSolSocket   = 1
	wasinetSoReuseAddr = 2
	wasinetSoError     = 4
	wasinetSoBroadcast = 6
	wasinetSoSndBuf    = 7
	wasinetSoRcvBuf    = 8
	wasinetSoKeepAlive = 9
	wasinetSoLinger    = 13
	wasinetIPProtoTCP  = 6
	wasinetTCPNoDelay  = 1
	wasinetIPProtoIPv6 = 41
	wasinetIPv6V6Only  = 26
)

// wasinetHostFamilies are the host's numbers for AF_UNIX, AF_INET and
// AF_INET6 (Linux: 1, 2, 10), which sock_open and every address carry.
// Package net keeps the wasip1 numbers (syscall.AF_*) in netFD.family.
type wasinetHostFamilies struct{ unix, inet, inet6 uint16 }

var wasinetFamilies = sync.OnceValue(func() wasinetHostFamilies {
	return wasinetHostFamilies{
		unix:  uint16(wasinet_sock_determine_host_af_family(syscall.AF_UNIX)),
		inet:  uint16(wasinet_sock_determine_host_af_family(syscall.AF_INET)),
		inet6: uint16(wasinet_sock_determine_host_af_family(syscall.AF_INET6)),
	}
})

// hostFamily maps a wasip1 family to the host's number (0: none).
func (h wasinetHostFamilies) hostFamily(family int) uint16 {
	switch family {
	case syscall.AF_UNIX:
		return h.unix
	case syscall.AF_INET:
		return h.inet
	case syscall.AF_INET6:
		return h.inet6
	}
	return 0
}

// wasinetErr turns a host errno into an error (nil for 0).
func wasinetErr(e uint32) error {
	if e == 0 {
		return nil
	}
	return syscall.Errno(e)
}

func wasinetSetInt(s int, level, name uint32, v int) error {
	val := int32(v)
	return wasinetErr(wasinet_sock_setsockopt(int32(s), level, name, unsafe.Pointer(&val), 4))
}

// wasinetPendingError reads SO_ERROR. The host returns the pending error
// (a failed connect's) as the call's errno, and clears it.
func wasinetPendingError(s int) error {
	var v int32
	return wasinetErr(wasinet_sock_getsockopt(int32(s), wasinetSolSocket, wasinetSoError, unsafe.Pointer(&v), 4))
}

func wasinetLocalAddr(s int) (syscall.Sockaddr, error) {
	var a wasinetRawAddr
	if err := wasinetErr(wasinet_sock_getlocaladdr(int32(s), unsafe.Pointer(&a), uint32(len(a)))); err != nil {
		return nil, err
	}
	return a.sockaddr()
}

func wasinetPeerAddr(s int) (syscall.Sockaddr, error) {
	var a wasinetRawAddr
	if err := wasinetErr(wasinet_sock_getpeeraddr(int32(s), unsafe.Pointer(&a), uint32(len(a)))); err != nil {
		return nil, err
	}
	return a.sockaddr()
}

// wasinetIovec is wasinet_v0's scatter/gather entry, {u64 buf, u32 len,
// 4 bytes of padding}: how Go's wasm port lays out this struct.
type wasinetIovec struct {
	buf unsafe.Pointer
	len uint32
}

// wasinetRecvFrom is one non-blocking receive into p; from gets the
// source address. It returns the byte count and the host's out flags.
func wasinetRecvFrom(s int, p []byte, flags int, from *wasinetRawAddr) (int, int, syscall.Errno) {
	var nread, oflags uint32
	vec := wasinetIovec{buf: unsafe.Pointer(unsafe.SliceData(p)), len: uint32(len(p))}
	e := wasinet_sock_recv_from(int32(s), unsafe.Pointer(&vec), 1, nil, 0, unsafe.Pointer(from), uint32(len(from)),
		int32(flags), unsafe.Pointer(&nread), unsafe.Pointer(&oflags))
	runtime.KeepAlive(p)
	return int(nread), int(oflags), syscall.Errno(e)
}

// wasinetSendTo sends p as one datagram; to nil means the connected peer.
func wasinetSendTo(s int, p []byte, to *wasinetRawAddr) (int, syscall.Errno) {
	var nwritten uint32
	vec := wasinetIovec{buf: unsafe.Pointer(unsafe.SliceData(p)), len: uint32(len(p))}
	addr, addrlen := unsafe.Pointer(nil), uint32(0)
	if to != nil {
		addr, addrlen = unsafe.Pointer(to), uint32(len(to))
	}
	e := wasinet_sock_send_to(int32(s), unsafe.Pointer(&vec), 1, nil, 0, addr, addrlen, 0, unsafe.Pointer(&nwritten))
	runtime.KeepAlive(p)
	runtime.KeepAlive(to)
	return int(nwritten), syscall.Errno(e)
}

// wasinetAccept takes one pending connection off listener s: the new fd
// (non-blocking, as the host makes every accepted socket) and its peer.
func wasinetAccept(s int) (int, *wasinetRawAddr, syscall.Errno) {
	var nfd int32
	peer := new(wasinetRawAddr)
	e := wasinet_sock_accept(int32(s), unsafe.Pointer(&nfd), unsafe.Pointer(peer), uint32(len(peer)))
	return int(nfd), peer, syscall.Errno(e)
}
