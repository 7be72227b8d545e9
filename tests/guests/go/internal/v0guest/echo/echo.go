// Package echo holds what the v0_* guests share: an echo loop, the client
// half of an exchange (this file), mode dispatch and the byte pattern both
// sides agree on (cli.go, from guestkit), and the stream and datagram roles
// several guests play alike (stream.go, packet.go). Their stdout lines are
// what the e2e tests read, so they are spelled out once here.
package echo

import (
	"fmt"
	"io"
	"net"
)

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
