// udpecho is a UDP echo server (each datagram goes back to its sender),
// or with -connect a client that sends one datagram and prints the reply.
//
//	udpecho -listen 127.0.0.1:7001
//	udpecho -connect 127.0.0.1:7001 hello
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"strings"
	"time"

	"wasinet.dev/wasinet"
)

// addrPortConn is what wasinet's UDP sockets (and *net.UDPConn) offer.
type addrPortConn interface {
	ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error)
	WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
}

func main() {
	listen := flag.String("listen", "", "serve echo on this address (port 0: any free port)")
	connect := flag.String("connect", "", "send the arguments to the echo server at this address")
	flag.Parse()
	switch {
	case *listen != "":
		serve(*listen)
	case *connect != "":
		client(*connect, strings.Join(flag.Args(), " "))
	default:
		flag.Usage()
		os.Exit(2)
	}
}

func serve(addr string) {
	pc, err := wasinet.ListenPacket(context.Background(), "udp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s\n", pc.LocalAddr())
	c := pc.(addrPortConn)
	buf := make([]byte, 65536)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := c.WriteToUDPAddrPort(buf[:n], from); err != nil {
			log.Printf("reply to %s: %v", from, err)
		}
	}
}

// client sends one datagram on a connected socket and waits up to 5 s.
func client(addr, msg string) {
	c, err := wasinet.Dial("udp", addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		log.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 65536)
	n, err := c.Read(buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", buf[:n])
}
