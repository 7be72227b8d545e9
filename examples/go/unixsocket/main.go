// unixsocket is an echo server on a unix socket, or with -connect a client
// of one. Socket paths are guest paths: they live in a directory the host
// preopened (--dir) and the policy allows (--allow-unix).
//
//	unixsocket -listen /run/echo.sock
//	unixsocket -connect /run/echo.sock hello
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
	listen := flag.String("listen", "", "serve echo on the unix socket at this path")
	connect := flag.String("connect", "", "send the arguments to the echo server at this path")
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

func serve(path string) {
	os.Remove(path) // a socket file left by an earlier run
	ln, err := wasinet.Listen(context.Background(), "unix", path)
	if err != nil {
		log.Fatal(err)
	}
	// Closing the listener would remove the socket file; this server runs
	// until stopped, so the file stays (a restart removes it first). No
	// os/signal here: on wasip1, Go's signal.Notify keeps a goroutine
	// spinning (runtime notetsleepg yields in a loop).
	fmt.Printf("listening on %s\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Print(err)
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			io.Copy(c, c)
		}(c)
	}
}

func client(path, msg string) {
	c, err := wasinet.Dial("unix", path)
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
