// fd_probe: the Go twin of guests/c/fd_probe.c, with the same output: for
// fds 3..4095, the preopens ("preopen FD NAME"), the environment's names
// ("env NAME", in the order the host gave them), every call that moves
// bytes that did not answer EBADF ("fd FD CALL errno=E"), then "done".
// Raw preview1 calls, not os: exactly what the host answers.
package main

import (
	"fmt"
	"strings"
	"unsafe"
)

const ebadf = 8

// Go's wasip1 iovec: a 32-bit pointer and length.
type iovec struct {
	buf    uint32
	bufLen uint32
}

//go:wasmimport wasi_snapshot_preview1 fd_prestat_get
func fdPrestatGet(fd int32, out unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_dir_name
func fdPrestatDirName(fd int32, path unsafe.Pointer, pathLen uint32) uint32

//go:wasmimport wasi_snapshot_preview1 environ_sizes_get
func environSizesGet(count, size unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 environ_get
func environGet(env, buf unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_write
func fdWrite(fd int32, iovs unsafe.Pointer, n uint32, done unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_read
func fdRead(fd int32, iovs unsafe.Pointer, n uint32, done unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_pwrite
func fdPwrite(fd int32, iovs unsafe.Pointer, n uint32, off uint64, done unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_pread
func fdPread(fd int32, iovs unsafe.Pointer, n uint32, off uint64, done unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_seek
func fdSeek(fd int32, off int64, whence uint32, newOff unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_tell
func fdTell(fd int32, off unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_advise
func fdAdvise(fd int32, off, n uint64, advice uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_allocate
func fdAllocate(fd int32, off, n uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_set_size
func fdFilestatSetSize(fd int32, size uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_set_flags
func fdFdstatSetFlags(fd int32, flags uint32) uint32

func report(fd int32, call string, errno uint32) {
	if errno != ebadf {
		fmt.Printf("fd %d %s errno=%d\n", fd, call, errno)
	}
}

func probe(fd int32) {
	buf := make([]byte, 16)
	copy(buf, "probe")
	iov := iovec{uint32(uintptr(unsafe.Pointer(&buf[0]))), 5}
	var n uint32
	var off uint64
	iv, np, op := unsafe.Pointer(&iov), unsafe.Pointer(&n), unsafe.Pointer(&off)
	report(fd, "fd_write", fdWrite(fd, iv, 1, np))
	report(fd, "fd_read", fdRead(fd, iv, 1, np))
	report(fd, "fd_pwrite", fdPwrite(fd, iv, 1, 0, np))
	report(fd, "fd_pread", fdPread(fd, iv, 1, 0, np))
	report(fd, "fd_seek", fdSeek(fd, 0, 0, op))
	report(fd, "fd_tell", fdTell(fd, op))
	report(fd, "fd_advise", fdAdvise(fd, 0, 0, 0))
	report(fd, "fd_allocate", fdAllocate(fd, 0, 1))
	report(fd, "fd_filestat_set_size", fdFilestatSetSize(fd, 0))
	report(fd, "fd_fdstat_set_flags", fdFdstatSetFlags(fd, 1)) // APPEND
}

func main() {
	for fd := int32(3); fd < 4096; fd++ {
		var pre [2]uint32 // tag, name length
		if fdPrestatGet(fd, unsafe.Pointer(&pre)) != 0 {
			continue
		}
		name := make([]byte, pre[1]+1)
		if fdPrestatDirName(fd, unsafe.Pointer(&name[0]), pre[1]) != 0 {
			name = []byte("?")
		} else {
			name = name[:pre[1]]
		}
		fmt.Printf("preopen %d %s\n", fd, name)
	}
	var count, size uint32
	if environSizesGet(unsafe.Pointer(&count), unsafe.Pointer(&size)) != 0 {
		panic("environ_sizes_get failed")
	}
	ptrs := make([]uint32, count+1)
	buf := make([]byte, size+1)
	if environGet(unsafe.Pointer(&ptrs[0]), unsafe.Pointer(&buf[0])) != 0 {
		panic("environ_get failed")
	}
	for _, kv := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		if kv != "" {
			name, _, _ := strings.Cut(kv, "=")
			fmt.Printf("env %s\n", name)
		}
	}
	for fd := int32(3); fd < 4096; fd++ {
		probe(fd)
	}
	fmt.Println("done")
}
