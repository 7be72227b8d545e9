// Package guestkit is what every test guest shares: the command-line shape
// (one sub-command, or mode, per run with a fixed number of arguments), one
// way to fail that the e2e tests read (a line on stderr, exit 1), and the
// payload of sized transfers with its checksum.
package guestkit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
)

// Mode is one sub-command of a guest: how many arguments follow its name
// and what runs with them.
type Mode struct {
	Args int
	Run  func(args []string)
}

// Main runs the mode os.Args[1] names with the arguments after it, failing
// with usage when the mode is missing or unknown or its argument count is
// not exactly Args.
func Main(usage string, modes map[string]Mode) {
	if len(os.Args) < 2 {
		Fail("usage: %s", usage)
	}
	m, ok := modes[os.Args[1]]
	if !ok || len(os.Args)-2 != m.Args {
		Fail("usage: %s", usage)
	}
	m.Run(os.Args[2:])
}

// Fail prints a one-line error on stderr and exits 1.
func Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// Atoi parses a number argument or fails.
func Atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		Fail("not a number: %q", s)
	}
	return n
}

// Pattern is the payload of every sized transfer: byte i is i mod 251, so
// a lost, doubled or reordered block changes the checksum (251 is prime,
// block sizes are not). The e2e tests build the same bytes (netpeer_test.go).
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// Sum is the hex SHA-256 the guests print and the tests recompute.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
