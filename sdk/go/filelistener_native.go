//go:build !wasip1

package wasinet

import (
	"net"
	"os"
)

// FileListener is net.FileListener outside wasip1 (where package net knows
// the addresses itself).
func FileListener(f *os.File) (net.Listener, error) {
	return net.FileListener(f)
}
