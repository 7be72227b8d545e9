package main

// Errors as Go programs test for them: a refused connect, an expired
// deadline, a cancelled dial. Each mode prints what errors.Is / errors.As
// and the net.Error interface say, so the test checks the classification,
// not only that something failed.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"wasinet.dev/wasinet"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

func refused(network, addr string) {
	c, err := wasinet.Dial(network, addr)
	if err == nil {
		c.Close()
		guestlib.Fail("dial %s %s succeeded; nothing should listen there", network, addr)
	}
	var op *net.OpError
	isOp := errors.As(err, &op)
	opName, opNet := "", ""
	if isOp {
		opName, opNet = op.Op, op.Net
	}
	fmt.Printf("refused operr=%t op=%s net=%s econnrefused=%t: %v\n",
		isOp, opName, opNet, errors.Is(err, syscall.ECONNREFUSED), err)
}

// timeoutTraits prints how err classifies as a timeout.
func timeoutTraits(err error) string {
	var ne net.Error
	isNet := errors.As(err, &ne)
	return fmt.Sprintf("os=%t net=%t exceeded=%t", os.IsTimeout(err), isNet && ne.Timeout(),
		errors.Is(err, os.ErrDeadlineExceeded))
}

// deadline: a 200 ms read deadline on a conn whose peer is silent, timed
// here; then the deadline is cleared, "cleared" tells the test, and the
// native peer's line must still arrive on the same conn. Then a write
// deadline, and a deadline in the past.
func deadline(network, addr string) {
	c, err := wasinet.Dial(network, addr)
	if err != nil {
		guestlib.Fail("dial %s %s: %v", network, addr, err)
	}
	fmt.Printf("conn local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	buf := make([]byte, 64)
	start := time.Now()
	c.SetReadDeadline(start.Add(200 * time.Millisecond))
	n, err := c.Read(buf)
	elapsed := time.Since(start)
	if err == nil {
		guestlib.Fail("read %d bytes (%q) from a silent peer before the deadline", n, buf[:n])
	}
	fmt.Printf("timeout ms=%.1f n=%d %s: %v\n", ms(elapsed), n, timeoutTraits(err), err)

	if err := c.SetReadDeadline(time.Time{}); err != nil {
		guestlib.Fail("clear the deadline: %v", err)
	}
	fmt.Println("cleared")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		guestlib.Fail("read after clearing the deadline: %q, %v", line, err)
	}
	fmt.Printf("read %q\n", line)
	if _, err := c.Write([]byte("thanks\n")); err != nil {
		guestlib.Fail("write after the deadline: %v", err)
	}

	// The native peer reads nothing more: a 64 MiB write fills the socket
	// buffers and stops at a 200 ms write deadline, part written.
	big := make([]byte, 64<<20)
	start = time.Now()
	c.SetWriteDeadline(start.Add(200 * time.Millisecond))
	n, err = c.Write(big)
	fmt.Printf("write-timeout ms=%.1f partial=%t %s: %v\n", ms(time.Since(start)), n > 0 && n < len(big),
		timeoutTraits(err), err)

	// A deadline already past fails a read at once, without waiting.
	c.SetDeadline(time.Now().Add(-time.Second))
	start = time.Now()
	_, err = c.Read(buf)
	fmt.Printf("past ms=%.1f %s: %v\n", ms(time.Since(start)), timeoutTraits(err), err)
	c.Close()
}

// cancel dials a live native listener three times: with a context that is
// already cancelled, with a Dialer whose deadline has passed (both must
// fail without connecting), and normally, saying "hello" on that conn. The
// test checks that "hello" arrives on the FIRST connection it accepts.
func cancel(network, addr string) {
	ctx, cancelFn := context.WithCancel(context.Background())
	cancelFn()
	if c, err := wasinet.DialContext(ctx, network, addr); err == nil {
		c.Close()
		fmt.Println("canceled: dial succeeded")
	} else {
		var op *net.OpError
		fmt.Printf("canceled operr=%t is_canceled=%t: %v\n", errors.As(err, &op), errors.Is(err, context.Canceled), err)
	}

	d := wasinet.Dialer{Deadline: time.Now().Add(-time.Second)}
	if c, err := d.DialContext(context.Background(), network, addr); err == nil {
		c.Close()
		fmt.Println("expired: dial succeeded")
	} else {
		var op *net.OpError
		fmt.Printf("expired operr=%t %s is_deadline=%t: %v\n", errors.As(err, &op), timeoutTraits(err),
			errors.Is(err, context.DeadlineExceeded), err)
	}

	c, err := wasinet.DialContext(context.Background(), network, addr)
	if err != nil {
		guestlib.Fail("live dial %s %s: %v", network, addr, err)
	}
	c.SetDeadline(time.Now().Add(replyTimeout))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		guestlib.Fail("live write: %v", err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "bye\n" {
		guestlib.Fail("live read: %q, %v", line, err)
	}
	fmt.Println("live ok")
	c.Close()
}

// cancelInFlight dials a listener whose accept queue is full, so the
// connect stays under way (the kernel drops the SYNs): once with a context
// cancelled after 300 ms, once with a Dialer timeout of 300 ms. Each must
// end at that moment, classified, instead of after the kernel's minutes of
// SYN retries.
func cancelInFlight(network, addr string) {
	ctx, cancelFn := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancelFn)
	start := time.Now()
	if c, err := wasinet.DialContext(ctx, network, addr); err == nil {
		c.Close()
		fmt.Println("inflight-canceled: dial succeeded")
	} else {
		var op *net.OpError
		fmt.Printf("inflight-canceled ms=%.1f operr=%t is_canceled=%t: %v\n", ms(time.Since(start)),
			errors.As(err, &op), errors.Is(err, context.Canceled), err)
	}

	d := wasinet.Dialer{Timeout: 300 * time.Millisecond}
	start = time.Now()
	if c, err := d.Dial(network, addr); err == nil {
		c.Close()
		fmt.Println("inflight-timeout: dial succeeded")
	} else {
		var op *net.OpError
		fmt.Printf("inflight-timeout ms=%.1f operr=%t %s is_deadline=%t: %v\n", ms(time.Since(start)),
			errors.As(err, &op), timeoutTraits(err), errors.Is(err, context.DeadlineExceeded), err)
	}
}
