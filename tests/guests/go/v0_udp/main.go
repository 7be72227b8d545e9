// v0_udp: UDP through wasinet_v0 as programs built with the existing Go
// guest library do it (package internal/v0guest), against native peers.
//
//	v0_udp server ADDR COUNT   bind ADDR, print "listening A", then for each
//	                           of COUNT datagrams print "from SRC n=N" and
//	                           send it back to SRC
//	v0_udp client ADDR         connected socket (Dial): print "local=L
//	                           remote=R", send "ping from the guest", print
//	                           "reply TEXT"
//	v0_udp sendto ADDR         unconnected socket bound to loopback of
//	                           ADDR's family: print "local L", WriteTo ADDR
//	                           "ping from the guest", print "reply from SRC TEXT"
package main

import (
	"fmt"
	"net"
	"os"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_udp server ADDR COUNT | client ADDR | sendto ADDR"

func main() {
	if len(os.Args) < 2 {
		echo.Fail("usage: %s", usage)
	}
	switch os.Args[1] {
	case "server":
		a := echo.Args(2, usage)
		server(a[0], echo.Atoi(a[1]))
	case "client":
		client(echo.Args(1, usage)[0])
	case "sendto":
		sendTo(echo.Args(1, usage)[0])
	default:
		echo.Fail("usage: %s", usage)
	}
}

func server(addr string, count int) {
	pc, err := v0guest.ListenPacket("udp", addr)
	if err != nil {
		echo.Fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", pc.LocalAddr())
	buf := make([]byte, 65536)
	for i := 0; i < count; i++ {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			echo.Fail("read: %v", err)
		}
		fmt.Printf("from %s n=%d\n", from, n)
		if _, err := pc.WriteTo(buf[:n], from); err != nil {
			echo.Fail("write to %s: %v", from, err)
		}
	}
	pc.Close()
}

func client(addr string) {
	c, err := v0guest.Dial("udp", addr)
	if err != nil {
		echo.Fail("dial: %v", err)
	}
	fmt.Printf("local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	if _, err := c.Write([]byte("ping from the guest")); err != nil {
		echo.Fail("write: %v", err)
	}
	buf := make([]byte, 2048)
	n, err := c.Read(buf)
	if err != nil {
		echo.Fail("read: %v", err)
	}
	fmt.Printf("reply %s\n", buf[:n])
	c.Close()
}

func sendTo(addr string) {
	to, err := net.ResolveUDPAddr("udp", addr) // a literal: no lookup
	if err != nil {
		echo.Fail("%v", err)
	}
	local := "127.0.0.1:0"
	if to.IP.To4() == nil {
		local = "[::1]:0"
	}
	pc, err := v0guest.ListenPacket("udp", local)
	if err != nil {
		echo.Fail("listen: %v", err)
	}
	fmt.Printf("local %s\n", pc.LocalAddr())
	if _, err := pc.WriteTo([]byte("ping from the guest"), to); err != nil {
		echo.Fail("write to %s: %v", to, err)
	}
	buf := make([]byte, 2048)
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		echo.Fail("read: %v", err)
	}
	fmt.Printf("reply from %s %s\n", from, buf[:n])
	pc.Close()
}
