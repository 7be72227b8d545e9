//go:build wasip1

// Package wasmedge calls WasmEdge's socket extension directly, with the
// second version's signatures as Go programs built with dispatchrun/net
// declare them (sock_recv_from with a port out-parameter, the address
// getters without an address type). Written here from the ABI's
// description (docs/wasmedge-abi.md), for wasinet's tests.
package wasmedge

import (
	"syscall"
	"unsafe"
)

//go:wasmimport wasi_snapshot_preview1 sock_open
func sockOpen(af, socktype int32, fd unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_bind
func sockBind(fd int32, addr unsafe.Pointer, port uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_connect
func sockConnect(fd int32, addr unsafe.Pointer, port uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_listen
func sockListen(fd, backlog int32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_accept
func sockAccept(fd int32, flags uint32, newfd unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_recv_from
func sockRecvFrom(fd int32, iovs unsafe.Pointer, iovsLen int32, addr unsafe.Pointer, flags int32,
	port, nread, oflags unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_send_to
func sockSendTo(fd int32, iovs unsafe.Pointer, iovsLen int32, addr unsafe.Pointer, port, flags int32,
	nwritten unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getsockopt
func sockGetsockopt(fd int32, level, name uint32, value unsafe.Pointer, size uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_setsockopt
func sockSetsockopt(fd int32, level, name uint32, value unsafe.Pointer, size uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getlocaladdr
func sockGetlocaladdr(fd int32, addr, port unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getpeeraddr
func sockGetpeeraddr(fd int32, addr, port unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getaddrinfo
func sockGetaddrinfo(node unsafe.Pointer, nodeLen uint32, service unsafe.Pointer, serviceLen uint32,
	hints, res unsafe.Pointer, maxResults uint32, resLen unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_shutdown
func sockShutdown(fd, how int32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func pollOneoff(in, out unsafe.Pointer, n uint32, nevents unsafe.Pointer) syscall.Errno
