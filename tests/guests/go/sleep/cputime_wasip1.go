//go:build wasip1

package main

import (
	"fmt"
	"time"
	"unsafe"
)

// clock_time_get from WASI preview1, called directly: the Go runtime offers
// no process CPU clock on wasip1. Pointer parameters are passed as
// unsafe.Pointer, as the syscall package itself does.
//
//go:wasmimport wasi_snapshot_preview1 clock_time_get
//go:noescape
func clockTimeGet(id uint32, precision uint64, out unsafe.Pointer) uint32

const clockProcessCPUTime = 2

func processCPUTime() (time.Duration, error) {
	var ns uint64
	if errno := clockTimeGet(clockProcessCPUTime, 1, unsafe.Pointer(&ns)); errno != 0 {
		return 0, fmt.Errorf("clock_time_get(PROCESS_CPUTIME) failed: errno %d", errno)
	}
	return time.Duration(ns), nil
}
