package main

// A peer that resets the connection (SO_LINGER 0, then close) while the
// guest is blocked reading from it, or writing to it: the guest's call
// fails with syscall.ECONNRESET inside a *net.OpError, as in a native Go
// program, not with EOF or a hang.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"wasinet.dev/wasinet"
	"wasinet.test/guests/internal/guestkit"
)

func dial(network, addr string) net.Conn {
	c, err := wasinet.Dial(network, addr)
	if err != nil {
		guestkit.Fail("dial %s %s: %v", network, addr, err)
	}
	return c
}

// classify is how a test reads an error: what it wraps and what it says.
func classify(err error) string {
	var op *net.OpError
	return fmt.Sprintf("operr=%t econnreset=%t epipe=%t eof=%t: %v", errors.As(err, &op),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), err)
}

func resetRead(network, addr string) {
	c := dial(network, addr)
	defer c.Close()
	buf := make([]byte, 64<<10)
	if n, err := io.ReadFull(c, buf); err != nil {
		guestkit.Fail("read the first %d bytes: got %d: %v", len(buf), n, err)
	}
	fmt.Printf("got %d\n", len(buf))
	// The peer resets while this read waits.
	n, err := c.Read(buf)
	if err == nil {
		guestkit.Fail("a read after the reset returned %d bytes and no error", n)
	}
	fmt.Printf("resetread n=%d %s\n", n, classify(err))
}

func resetWrite(network, addr string) {
	c := dial(network, addr)
	defer c.Close()
	chunk := guestkit.Pattern(256 << 10)
	fmt.Println("writing")
	total := 0
	for {
		n, err := c.Write(chunk)
		total += n
		if err != nil {
			fmt.Printf("resetwrite wrote=%d %s\n", total, classify(err))
			return
		}
		if total > 1<<30 {
			guestkit.Fail("wrote %d bytes and the peer never reset", total)
		}
	}
}
