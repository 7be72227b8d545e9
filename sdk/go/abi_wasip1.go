//go:build wasip1

package wasinet

import "unsafe"

// The wasinet_v0 host module (docs/wasinet_v0.md). Every call returns a
// WASI errno except sock_determine_host_af_family. Pointers are offsets
// into the guest's memory; the host bounds-checks each one.

//go:wasmimport wasinet_v0 sock_open
//go:noescape
func sock_open(af, socktype, proto int32, fd unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_bind
//go:noescape
func sock_bind(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_connect
//go:noescape
func sock_connect(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_listen
func sock_listen(fd, backlog int32) uint32

//go:wasmimport wasinet_v0 sock_getsockopt
//go:noescape
func sock_getsockopt(fd int32, level, name uint32, val unsafe.Pointer, vallen uint32) uint32

//go:wasmimport wasinet_v0 sock_setsockopt
//go:noescape
func sock_setsockopt(fd int32, level, name uint32, val unsafe.Pointer, vallen uint32) uint32

//go:wasmimport wasinet_v0 sock_getlocaladdr
//go:noescape
func sock_getlocaladdr(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_getpeeraddr
//go:noescape
func sock_getpeeraddr(fd int32, addr unsafe.Pointer, addrlen uint32) uint32

//go:wasmimport wasinet_v0 sock_recv_from
//go:noescape
func sock_recv_from(fd int32, iovs unsafe.Pointer, iovslen uint32, oob unsafe.Pointer, ooblen uint32,
	addr unsafe.Pointer, addrlen uint32, iflags int32, nread, oflags unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_send_to
//go:noescape
func sock_send_to(fd int32, iovs unsafe.Pointer, iovslen uint32, oob unsafe.Pointer, ooblen uint32,
	addr unsafe.Pointer, addrlen uint32, flags int32, nwritten unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_getaddrip
//go:noescape
func sock_getaddrip(network unsafe.Pointer, networklen uint32, host unsafe.Pointer, hostlen uint32,
	out unsafe.Pointer, outmax uint32, outlen unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_getaddrport
//go:noescape
func sock_getaddrport(network unsafe.Pointer, networklen uint32, service unsafe.Pointer, servicelen uint32,
	port unsafe.Pointer) uint32

//go:wasmimport wasinet_v0 sock_determine_host_af_family
func sock_determine_host_af_family(af int32) int32
