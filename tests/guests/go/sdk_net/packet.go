package main

// UDP: an echo server and two clients, one datagram in flight at a time
// (loopback does not drop, and lock-step keeps the receive buffers from
// overflowing, so every one of the N must come back). Half the datagrams
// go through net.PacketConn's ReadFrom/WriteTo, half through the
// netip.AddrPort methods, so both paths carry true addresses.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"wasinet.dev/wasinet"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

// addrPortConn is what the SDK's UDP conns offer besides net.PacketConn.
type addrPortConn interface {
	ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error)
	WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
}

// datagram i of a run: its number and a length that varies from 1 to
// 1400 bytes, so a datagram cut short or merged with another shows.
func datagram(i int) []byte {
	b := []byte(fmt.Sprintf("%d:", i))
	return append(b, guestlib.Pattern(1+(i*37)%1400)...)
}

// Generous: the native peer answers at once; this only bounds a lost reply.
const replyTimeout = 10 * time.Second

func listenPacket(network, addr string) (net.PacketConn, addrPortConn) {
	pc, err := wasinet.ListenPacket(context.Background(), network, addr)
	if err != nil {
		guestlib.Fail("listen %s %s: %v", network, addr, err)
	}
	ap, ok := pc.(addrPortConn)
	if !ok {
		guestlib.Fail("a %T has no ReadFromUDPAddrPort/WriteToUDPAddrPort", pc)
	}
	return pc, ap
}

// udpServer echoes n datagrams to their sources and prints each distinct
// source once: "source A count=K".
func udpServer(network, addr string, n int) {
	pc, ap := listenPacket(network, addr)
	fmt.Printf("listening %s\n", pc.LocalAddr())
	buf := make([]byte, 2048)
	counts := map[string]int{}
	var order []string
	for i := 0; i < n; i++ {
		var src string
		if i%2 == 0 {
			k, from, err := ap.ReadFromUDPAddrPort(buf)
			if err != nil {
				guestlib.Fail("datagram %d: ReadFromUDPAddrPort: %v", i, err)
			}
			if _, err := ap.WriteToUDPAddrPort(buf[:k], from); err != nil {
				guestlib.Fail("datagram %d: WriteToUDPAddrPort %s: %v", i, from, err)
			}
			src = from.String()
		} else {
			k, from, err := pc.ReadFrom(buf)
			if err != nil {
				guestlib.Fail("datagram %d: ReadFrom: %v", i, err)
			}
			if _, err := pc.WriteTo(buf[:k], from); err != nil {
				guestlib.Fail("datagram %d: WriteTo %s: %v", i, from, err)
			}
			src = from.String()
		}
		if counts[src] == 0 {
			order = append(order, src)
		}
		counts[src]++
	}
	for _, s := range order {
		fmt.Printf("source %s count=%d\n", s, counts[s])
	}
	if err := pc.Close(); err != nil {
		guestlib.Fail("close: %v", err)
	}
}

// udpDial sends n datagrams on a connected socket and checks each echo.
func udpDial(network, addr string, n int) {
	c, err := wasinet.Dial(network, addr)
	if err != nil {
		guestlib.Fail("dial %s %s: %v", network, addr, err)
	}
	fmt.Printf("local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	buf := make([]byte, 2048)
	for i := 0; i < n; i++ {
		d := datagram(i)
		if _, err := c.Write(d); err != nil {
			guestlib.Fail("datagram %d: write: %v", i, err)
		}
		c.SetReadDeadline(time.Now().Add(replyTimeout))
		k, err := c.Read(buf)
		if err != nil {
			guestlib.Fail("datagram %d: read the echo: %v", i, err)
		}
		if !bytes.Equal(buf[:k], d) {
			guestlib.Fail("datagram %d: echo of %d bytes differs from the %d sent", i, k, len(d))
		}
	}
	fmt.Printf("ok %d\n", n)
	c.Close()
}

// udpSendTo sends n datagrams from an unconnected socket bound to the
// loopback of addr's family and checks that each echo comes from addr.
func udpSendTo(network, addr string, n int) {
	to, err := netip.ParseAddrPort(addr)
	if err != nil {
		guestlib.Fail("not an IP:port: %q", addr)
	}
	local := "127.0.0.1:0"
	if to.Addr().Is6() {
		local = "[::1]:0"
	}
	pc, ap := listenPacket(network, local)
	fmt.Printf("local=%s\n", pc.LocalAddr())
	buf := make([]byte, 2048)
	for i := 0; i < n; i++ {
		d := datagram(i)
		var from string
		pc.SetReadDeadline(time.Now().Add(replyTimeout))
		var k int
		if i%2 == 0 {
			if _, err := ap.WriteToUDPAddrPort(d, to); err != nil {
				guestlib.Fail("datagram %d: WriteToUDPAddrPort: %v", i, err)
			}
			var src netip.AddrPort
			if k, src, err = ap.ReadFromUDPAddrPort(buf); err != nil {
				guestlib.Fail("datagram %d: ReadFromUDPAddrPort: %v", i, err)
			}
			if src != to {
				guestlib.Fail("datagram %d: echo from %s, want %s", i, src, to)
			}
			from = src.String()
		} else {
			if _, err := pc.WriteTo(d, net.UDPAddrFromAddrPort(to)); err != nil {
				guestlib.Fail("datagram %d: WriteTo: %v", i, err)
			}
			var src net.Addr
			if k, src, err = pc.ReadFrom(buf); err != nil {
				guestlib.Fail("datagram %d: ReadFrom: %v", i, err)
			}
			if src.Network() != "udp" || src.String() != to.String() {
				guestlib.Fail("datagram %d: echo from %s %s, want udp %s", i, src.Network(), src, to)
			}
			from = src.String()
		}
		if !bytes.Equal(buf[:k], d) {
			guestlib.Fail("datagram %d: echo from %s of %d bytes differs from the %d sent", i, from, k, len(d))
		}
	}
	fmt.Printf("ok %d from=%s\n", n, to)
	pc.Close()
}
