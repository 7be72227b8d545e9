//go:build !wasip1

package main

import (
	"errors"
	"time"
)

// Only the wasip1 build is meaningful; this lets `go vet ./...` run on the host.
func processCPUTime() (time.Duration, error) {
	return 0, errors.New("process CPU time is read through WASI; build with GOOS=wasip1")
}
