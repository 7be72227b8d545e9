package main

// Half-close both ways, on two connections to the same native peer.
//
// First conn, the peer half-closes first: it sends "native data\n" and
// shuts down its side; the guest reads to EOF (twice: EOF stays EOF), then
// still sends "guest reply after EOF\n" and closes.
//
// Second conn, the guest half-closes first: it sends "guest data\n" and
// calls CloseWrite, after which its own Write fails with EPIPE; the peer
// reads to EOF, then still sends "native reply after EOF\n" and closes;
// the guest reads that to EOF.

import (
	"fmt"
	"io"
	"strings"

	"wasinet.test/guests/internal/guestkit"
)

type halfCloser interface {
	CloseWrite() error
	CloseRead() error
}

func halfClose(network, addr string) {
	// The peer half-closes first.
	c := dial(network, addr)
	got, err := io.ReadAll(c)
	if err != nil {
		guestkit.Fail("native-first: read to EOF: %v", err)
	}
	n, again := c.Read(make([]byte, 16))
	fmt.Printf("native-first read=%s eof-again=%t\n", strings.TrimSuffix(string(got), "\n"), n == 0 && again == io.EOF)
	if _, err := io.WriteString(c, "guest reply after EOF\n"); err != nil {
		guestkit.Fail("native-first: write after the peer's EOF: %v", err)
	}
	if err := c.Close(); err != nil {
		guestkit.Fail("native-first: close: %v", err)
	}

	// The guest half-closes first.
	c = dial(network, addr)
	if _, err := io.WriteString(c, "guest data\n"); err != nil {
		guestkit.Fail("guest-first: write: %v", err)
	}
	if err := c.(halfCloser).CloseWrite(); err != nil {
		guestkit.Fail("guest-first: CloseWrite: %v", err)
	}
	_, werr := c.Write([]byte("too late"))
	fmt.Printf("guest-first write-after-closewrite %s\n", classify(werr))
	got, err = io.ReadAll(c)
	if err != nil {
		guestkit.Fail("guest-first: read the reply to EOF: %v", err)
	}
	fmt.Printf("guest-first read=%s\n", strings.TrimSuffix(string(got), "\n"))
	if err := c.Close(); err != nil {
		guestkit.Fail("guest-first: close: %v", err)
	}
}
