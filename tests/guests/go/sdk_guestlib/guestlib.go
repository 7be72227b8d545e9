// Package guestlib holds what the sdk_* guests share: mode dispatch, the
// payload both sides agree on, and one way to fail. The guests' stdout
// lines are what tests/e2e/sdk_*_test.go read.
package guestlib

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// Mode is one sub-command: how many arguments follow its name, and what
// runs with them.
type Mode struct {
	Args int
	Run  func(args []string)
}

// Main runs the mode named by os.Args[1], failing with usage when it is
// unknown or its argument count is wrong.
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

// Fail prints one line on stderr and exits 1.
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
// a lost, doubled or reordered block changes the checksum. The e2e tests
// build the same bytes (pattern in netpeer_test.go).
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// Sum is the hex SHA-256 both sides print and compare.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// PrintLookup prints "KIND a b c", or for an error its classification:
// "error dnserror=B notfound=B: MSG".
func PrintLookup(kind string, results []string, err error) {
	if err != nil {
		var de *net.DNSError
		isDNS := errors.As(err, &de)
		fmt.Printf("error dnserror=%t notfound=%t: %v\n", isDNS, isDNS && de.IsNotFound, err)
		return
	}
	fmt.Printf("%s %s\n", kind, strings.Join(results, " "))
}
