package main

// The SDK beyond plain Dial: a Dialer with its options, and unix datagram
// sockets, whose addresses are guest paths.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"time"

	"wasinet.dev/wasinet"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

// dialer dials from a chosen local IP with the Dialer's timeout and
// keep-alive set, says hello and prints both addresses.
func dialer(network, addr, localIP string) {
	ip := net.ParseIP(localIP)
	if ip == nil {
		guestlib.Fail("not an IP: %q", localIP)
	}
	d := wasinet.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, LocalAddr: &net.TCPAddr{IP: ip}}
	c, err := d.DialContext(context.Background(), network, addr)
	if err != nil {
		guestlib.Fail("dial %s %s from %s: %v", network, addr, localIP, err)
	}
	fmt.Printf("conn local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	if _, err := c.Write([]byte("hello\n")); err != nil {
		guestlib.Fail("write: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(replyTimeout))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "bye\n" {
		guestlib.Fail("read: %q, %v", line, err)
	}
	c.Close()
}

// unixgram binds local, sends n datagrams to remote and checks that each
// echo comes back from remote.
func unixgram(local, remote string, n int) {
	pc, err := wasinet.ListenPacket(context.Background(), "unixgram", local)
	if err != nil {
		guestlib.Fail("listen unixgram %s: %v", local, err)
	}
	fmt.Printf("local=%s\n", pc.LocalAddr())
	to := &net.UnixAddr{Name: remote, Net: "unixgram"}
	buf := make([]byte, 2048)
	for i := 0; i < n; i++ {
		d := datagram(i)
		if _, err := pc.WriteTo(d, to); err != nil {
			guestlib.Fail("datagram %d: WriteTo %s: %v", i, remote, err)
		}
		pc.SetReadDeadline(time.Now().Add(replyTimeout))
		k, from, err := pc.ReadFrom(buf)
		if err != nil {
			guestlib.Fail("datagram %d: ReadFrom: %v", i, err)
		}
		if from == nil || from.String() != remote {
			guestlib.Fail("datagram %d: echo from %v, want %s", i, from, remote)
		}
		if !bytes.Equal(buf[:k], d) {
			guestlib.Fail("datagram %d: echo of %d bytes differs from the %d sent", i, k, len(d))
		}
	}
	fmt.Printf("ok %d from=%s\n", n, remote)
	pc.Close()
}
