// Package echo holds what the v0_* guests share: the byte pattern both
// sides agree on, an echo loop, and the client half of an exchange.
package echo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
)

// Pattern is the payload of every sized exchange: byte i is i mod 251, so
// a lost, doubled or reordered block shows (251 is prime, blocks are not).
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

// Serve echoes c back to itself until EOF, one Write per Read as a plain
// Go server would, then closes c. It returns the byte count.
func Serve(c net.Conn) (int64, error) {
	defer c.Close()
	buf := make([]byte, 32*1024)
	var total int64
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Exchange writes size pattern bytes in ONE Write, reads size bytes back
// and then EOF, and checks they match.
func Exchange(c net.Conn, size int) error {
	want := Pattern(size)
	n, err := c.Write(want)
	if err != nil {
		return fmt.Errorf("write %d bytes: wrote %d: %w", size, n, err)
	}
	if n != size {
		return fmt.Errorf("one Write of %d bytes wrote %d", size, n)
	}
	got := make([]byte, size)
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read echo: %w", err)
	}
	if Sum(got) != Sum(want) {
		return fmt.Errorf("echo differs from what was sent")
	}
	var one [1]byte
	if n, err := c.Read(one[:]); err != io.EOF {
		return fmt.Errorf("after the echo: read %d, %v (want EOF)", n, err)
	}
	return nil
}

// Fail prints a one-line error and exits 1.
func Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// Args returns the arguments after the mode, failing with usage unless
// there are exactly n of them.
func Args(n int, usage string) []string {
	if len(os.Args)-2 != n {
		Fail("usage: %s", usage)
	}
	return os.Args[2:]
}

// Atoi parses a number argument or fails.
func Atoi(s string) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		Fail("not a number: %q", s)
	}
	return n
}
