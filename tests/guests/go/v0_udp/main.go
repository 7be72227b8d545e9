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

	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_udp server ADDR COUNT | client ADDR | sendto ADDR"

func main() {
	echo.Main(usage, map[string]echo.Mode{
		"server": {Args: 2, Run: func(a []string) { echo.PacketServer("udp", a[0], echo.Atoi(a[1])) }},
		"client": {Args: 1, Run: func(a []string) { client(a[0]) }},
		"sendto": {Args: 1, Run: func(a []string) { sendTo(a[0]) }},
	})
}

func client(addr string) {
	c := echo.Dial("udp", addr)
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
	pc := echo.ListenPacket("udp", local)
	fmt.Printf("local %s\n", pc.LocalAddr())
	echo.Ping(pc, to)
}
