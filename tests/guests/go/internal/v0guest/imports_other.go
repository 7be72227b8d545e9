//go:build !wasip1

package v0guest

import "unsafe"

// Stand-ins so `go vet ./...` can run on the build machine; only the
// wasip1 build talks to a host.

const enosys = 52 // WASI ENOSYS

func sock_open(af, socktype, proto int32, fd unsafe.Pointer) uint32         { return enosys }
func sock_bind(fd int32, addr unsafe.Pointer, addrlen uint32) uint32        { return enosys }
func sock_connect(fd int32, addr unsafe.Pointer, addrlen uint32) uint32     { return enosys }
func sock_listen(fd, backlog int32) uint32                                  { return enosys }
func sock_accept(fd int32, nfd, addr unsafe.Pointer, addrlen uint32) uint32 { return enosys }
func sock_getsockopt(fd int32, level, name uint32, val unsafe.Pointer, vallen uint32) uint32 {
	return enosys
}
func sock_setsockopt(fd int32, level, name uint32, val unsafe.Pointer, vallen uint32) uint32 {
	return enosys
}
func sock_getlocaladdr(fd int32, addr unsafe.Pointer, addrlen uint32) uint32 { return enosys }
func sock_getpeeraddr(fd int32, addr unsafe.Pointer, addrlen uint32) uint32  { return enosys }
func sock_recv_from(fd int32, iovs unsafe.Pointer, iovslen uint32, oob unsafe.Pointer, ooblen uint32,
	addr unsafe.Pointer, addrlen uint32, iflags int32, nread, oflags unsafe.Pointer) uint32 {
	return enosys
}
func sock_send_to(fd int32, iovs unsafe.Pointer, iovslen uint32, oob unsafe.Pointer, ooblen uint32,
	addr unsafe.Pointer, addrlen uint32, flags int32, nwritten unsafe.Pointer) uint32 {
	return enosys
}
func sock_shutdown(fd, how int32) uint32 { return enosys }
func sock_getaddrip(network unsafe.Pointer, networklen uint32, host unsafe.Pointer, hostlen uint32,
	out unsafe.Pointer, outmax uint32, outlen unsafe.Pointer) uint32 {
	return enosys
}
func sock_getaddrport(network unsafe.Pointer, networklen uint32, service unsafe.Pointer, servicelen uint32,
	port unsafe.Pointer) uint32 {
	return enosys
}
func sock_determine_host_af_family(af int32) int32 { return 0 }
