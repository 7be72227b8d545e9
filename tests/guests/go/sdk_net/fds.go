package main

// fds opens and closes sockets when the test says so, over a control
// connection, so the test can count the wasinet process's host fds at each
// step (stdin cannot be a live pipe in the e2e harness; the control conn
// is open at every count, so it cancels out).
//
//	guest: "listening CTL"                (stdout; the test dials CTL)
//	guest→test: "ready"                   count before
//	test→guest: "open"
//	guest→test: "opened ADDR"             N TCP listeners (the first at ADDR),
//	                                      N conns dialed to the native ADDR
//	                                      argument, N UDP sockets
//	test dials ADDR N times
//	guest→test: "accepted"                count while open: +4N
//	test→guest: "close"
//	guest→test: "closed"                  count after: as before
//	test closes CTL; the guest exits.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"wasinet.dev/wasinet"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

func fds(nativeAddr string, n int) {
	ctx := context.Background()
	ctl, err := wasinet.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		guestlib.Fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", ctl.Addr())
	cc, err := ctl.Accept()
	if err != nil {
		guestlib.Fail("accept the control conn: %v", err)
	}
	// The control listener is done; closing it now keeps it out of the counts.
	ctl.Close()
	in := bufio.NewReader(cc)
	say := func(s string) {
		if _, err := io.WriteString(cc, s+"\n"); err != nil {
			guestlib.Fail("control: %v", err)
		}
	}
	expect := func(want string) {
		line, err := in.ReadString('\n')
		if err != nil || strings.TrimSpace(line) != want {
			guestlib.Fail("control: got %q, %v; want %q", line, err, want)
		}
	}
	say("ready")

	expect("open")
	var closers []io.Closer
	var listeners []net.Listener
	for i := 0; i < n; i++ {
		l, err := wasinet.Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			guestlib.Fail("listener %d: %v", i, err)
		}
		listeners = append(listeners, l)
		closers = append(closers, l)
		c, err := wasinet.Dial("tcp", nativeAddr)
		if err != nil {
			guestlib.Fail("dial %d: %v", i, err)
		}
		closers = append(closers, c)
		pc, err := wasinet.ListenPacket(ctx, "udp", "127.0.0.1:0")
		if err != nil {
			guestlib.Fail("udp socket %d: %v", i, err)
		}
		closers = append(closers, pc)
	}
	say("opened " + listeners[0].Addr().String())
	for i := 0; i < n; i++ {
		c, err := listeners[0].Accept()
		if err != nil {
			guestlib.Fail("accept %d: %v", i, err)
		}
		closers = append(closers, c)
	}
	say("accepted")

	expect("close")
	for _, c := range closers {
		if err := c.Close(); err != nil {
			guestlib.Fail("close %T: %v", c, err)
		}
	}
	say("closed")
	if _, err := in.ReadString('\n'); err != io.EOF {
		guestlib.Fail("control: want EOF at the end, got %v", err)
	}
	cc.Close()
	fmt.Println("done")
}
