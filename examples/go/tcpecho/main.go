// tcpecho is a TCP echo server, or with -connect a client that sends a
// message to an echo server and prints the answer.
//
//	tcpecho -listen 127.0.0.1:7000
//	tcpecho -connect 127.0.0.1:7000 hello
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"

	"wasinet.dev/wasinet"
)

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
	ln, err := wasinet.Listen(context.Background(), "tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func(c net.Conn) {
			defer c.Close()
			n, err := io.Copy(c, c)
			log.Printf("%s: echoed %d bytes (%v)", c.RemoteAddr(), n, err)
		}(c)
	}
}

// client writes the message, half-closes so the server sees the end, and
// reads the echo to the end.
func client(addr, msg string) {
	c, err := wasinet.Dial("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, msg); err != nil {
		log.Fatal(err)
	}
	if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		log.Fatal(err)
	}
	reply, err := io.ReadAll(c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", reply)
}
