package main

// The stream transfer, the same whichever side dialed. First the native
// peer sends SIZE bytes and the guest answers with their SHA-256 (hex and
// a newline); then the guest sends SIZE bytes and half-closes, and the
// native peer answers with its SHA-256 and closes. Each receiver checks the
// bytes, each sender checks the receiver's checksum, so both directions are
// verified on both sides. The guest times each direction itself: receiving
// into memory, and sending until the peer's checksum arrives.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"wasinet.dev/wasinet"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

func client(network, addr string, size int) {
	c, err := wasinet.Dial(network, addr)
	if err != nil {
		guestlib.Fail("dial %s %s: %v", network, addr, err)
	}
	transfer(c, size)
}

func server(network, addr string, size int) {
	l, err := wasinet.Listen(context.Background(), network, addr)
	if err != nil {
		guestlib.Fail("listen %s %s: %v", network, addr, err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	c, err := l.Accept()
	if err != nil {
		guestlib.Fail("accept: %v", err)
	}
	transfer(c, size)
	if err := l.Close(); err != nil {
		guestlib.Fail("close listener: %v", err)
	}
}

// halfCloser is what TCP and unix stream conns of the SDK offer.
type halfCloser interface {
	CloseWrite() error
	CloseRead() error
}

func transfer(c net.Conn, size int) {
	fmt.Printf("conn local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	hc, ok := c.(halfCloser)
	if !ok {
		guestlib.Fail("a %T has no CloseWrite/CloseRead", c)
	}
	want := guestlib.Pattern(size)
	wantSum := guestlib.Sum(want)

	// Timed: the bytes arriving in memory; the checksum is computed after,
	// as SHA-256 in wasm is slower than the network path being measured.
	got := make([]byte, size)
	start := time.Now()
	if n, err := io.ReadFull(c, got); err != nil {
		guestlib.Fail("receive: %d of %d bytes: %v", n, size, err)
	}
	recvTime := time.Since(start)
	gotSum := guestlib.Sum(got)
	if _, err := io.WriteString(c, gotSum+"\n"); err != nil {
		guestlib.Fail("send the checksum: %v", err)
	}
	if gotSum != wantSum {
		guestlib.Fail("received %d bytes with sha256 %s, want %s", size, gotSum, wantSum)
	}
	fmt.Printf("received %d %s ms=%.1f\n", size, gotSum, ms(recvTime))

	start = time.Now()
	if n, err := c.Write(want); err != nil || n != size {
		guestlib.Fail("send: wrote %d of %d: %v", n, size, err)
	}
	if err := hc.CloseWrite(); err != nil {
		guestlib.Fail("CloseWrite: %v", err)
	}
	rest, err := io.ReadAll(bufio.NewReader(c))
	if err != nil {
		guestlib.Fail("read the peer's checksum: %v", err)
	}
	sendTime := time.Since(start)
	if string(rest) != wantSum+"\n" {
		guestlib.Fail("the peer's checksum of what we sent is %q, want %s", rest, wantSum)
	}
	fmt.Printf("sent %d %s ms=%.1f\n", size, wantSum, ms(sendTime))
	if err := c.Close(); err != nil {
		guestlib.Fail("close: %v", err)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
