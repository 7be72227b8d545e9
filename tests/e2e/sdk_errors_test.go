package e2e

// Errors from the Go SDK classify as they do in native Go programs: a
// refused connect, an expired read deadline, a cancelled or expired dial.
// (The expectations are what package net gives natively on Linux.)

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// A connect to a closed port is a *net.OpError ("dial") wrapping
// syscall.ECONNREFUSED, over IPv4 and IPv6.
func TestSDKDialRefused(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			addr := closedPort(t, lb.tcp, lb.host)
			r := run(t, opts{}, sdkArgs(grantLoopback, g, "refused", lb.tcp, addr)...)
			expectCode(t, r, 0)
			want := fmt.Sprintf("refused operr=true op=dial net=%s econnrefused=true: ", lb.tcp)
			if !strings.HasPrefix(r.stdout, want) || len(lines(r.stdout)) != 1 {
				t.Errorf("stdout %q, want one line starting %q", r.stdout, want)
			}
		})
	}
}

// A 200 ms read deadline on a conn whose native peer is silent fails the
// read with a timeout no sooner than 200 ms and within 2 s (measured in
// the guest); once the deadline is cleared the conn still carries data
// both ways; a write the peer does not read stops at its deadline; a
// deadline in the past fails at once.
func TestSDKDeadlines(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	conns := acceptAsync(t, l, 1)
	p := startGuest(t, opts{}, sdkArgs(grantLoopback, g, "deadline", "tcp4", l.Addr().String())...)
	var a accepted
	select {
	case a = <-conns:
	case <-time.After(guestStartTimeout):
		t.Fatalf("the guest did not connect\n%s", p.output())
	}
	if a.err != nil {
		t.Fatal(a.err)
	}
	timeout := p.waitLine("timeout ", peerTimeout)
	p.waitLine("cleared", peerTimeout)
	// Only now does the native side send anything.
	if _, err := a.conn.Write([]byte("after the deadline\n")); err != nil {
		t.Fatal(err)
	}
	reply, err := bufio.NewReader(a.conn).ReadString('\n')
	if err != nil || reply != "thanks\n" {
		t.Errorf("native side read %q, %v; want the guest's thanks\n%s", reply, err, p.output())
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)

	if ms := floatField(t, timeout, "ms"); ms < 200 || ms > 2000 {
		t.Errorf("the read timed out after %.1f ms, want 200..2000 ms: %q", ms, timeout)
	} else {
		t.Logf("200 ms read deadline fired after %.1f ms (guest clock)", ms)
	}
	if !strings.Contains(timeout, " n=0 os=true net=true exceeded=true: ") {
		t.Errorf("the timeout is not classified as one (want n=0 os=true net=true exceeded=true): %q", timeout)
	}
	if got := lineMatching(t, r, "read "); got != `read "after the deadline\n"` {
		t.Errorf("after clearing the deadline the guest got %q", got)
	}
	wt := lineMatching(t, r, "write-timeout ")
	if !strings.Contains(wt, " partial=true os=true net=true exceeded=true: ") {
		t.Errorf("a write the peer does not read, with a 200 ms deadline: %q, want a partial write and a timeout", wt)
	}
	if ms := floatField(t, wt, "ms"); ms < 200 || ms > 2000 {
		t.Errorf("the write timed out after %.1f ms, want 200..2000 ms", ms)
	}
	past := lineMatching(t, r, "past ")
	if !strings.Contains(past, " os=true net=true exceeded=true: ") {
		t.Errorf("a read past its deadline: %q, want a timeout", past)
	}
	if ms := floatField(t, past, "ms"); ms > 1000 {
		t.Errorf("a read past its deadline waited %.1f ms, want at once", ms)
	}
}

// A dial with a context that is already cancelled fails with
// context.Canceled inside a *net.OpError; a Dialer whose deadline has
// passed fails with a timeout (context.DeadlineExceeded); neither
// connects: the first connection the native listener accepts is the
// guest's third, live dial, which says hello.
func TestSDKDialCancelled(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	first := make(chan string, 1)
	serveOne(t, l, func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		first <- line
		if line == "hello\n" {
			c.Write([]byte("bye\n"))
		}
		c.Close()
	})
	r := run(t, opts{}, sdkArgs(grantLoopback, g, "cancel", "tcp4", l.Addr().String())...)
	select {
	case line := <-first:
		if line != "hello\n" {
			t.Errorf("the first connection accepted said %q, not hello: a cancelled dial connected\n%s", line, r)
		}
	case <-time.After(peerTimeout):
		t.Fatalf("no connection reached the native listener\n%s", r)
	}
	expectCode(t, r, 0)
	out := lines(r.stdout)
	if len(out) != 3 {
		t.Fatalf("want 3 lines\n%s", r)
	}
	if !strings.HasPrefix(out[0], "canceled operr=true is_canceled=true: ") {
		t.Errorf("cancelled dial: %q, want an OpError that is context.Canceled", out[0])
	}
	if !strings.HasPrefix(out[1], "expired operr=true os=true net=true ") || !strings.Contains(out[1], " is_deadline=true: ") {
		t.Errorf("expired dial: %q, want an OpError that is a timeout and context.DeadlineExceeded", out[1])
	}
	if out[2] != "live ok" {
		t.Errorf("live dial: %q", out[2])
	}
}

// A connect under way (to a full accept queue) ends when its context is
// cancelled, or when the Dialer's timeout passes: after 300 ms (measured
// in the guest, within 2 s), as a *net.OpError that is context.Canceled,
// or a timeout and context.DeadlineExceeded.
func TestSDKDialCancelledInFlight(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	addr := fullListener(t)
	r := run(t, opts{}, sdkArgs(grantLoopback, g, "cancelinflight", "tcp4", addr)...)
	expectCode(t, r, 0)
	out := lines(r.stdout)
	if len(out) != 2 {
		t.Fatalf("want 2 lines\n%s", r)
	}
	for i, want := range []string{"inflight-canceled ", "inflight-timeout "} {
		if !strings.HasPrefix(out[i], want+"ms=") {
			t.Fatalf("line %d: %q, want %q...\n%s", i+1, out[i], want, r)
		}
		if ms := floatField(t, out[i], "ms"); ms < 300 || ms > 2000 {
			t.Errorf("%q: the dial ended after %.1f ms, want 300..2000", out[i], ms)
		}
	}
	if !strings.Contains(out[0], " operr=true is_canceled=true: ") {
		t.Errorf("cancelled dial: %q, want an OpError that is context.Canceled", out[0])
	}
	if !strings.Contains(out[1], " operr=true os=true net=true ") || !strings.Contains(out[1], " is_deadline=true: ") {
		t.Errorf("timed-out dial: %q, want an OpError that is a timeout and context.DeadlineExceeded", out[1])
	}
}
