// listen_files: a Go server on the listener `wasinet run --listen` handed
// over, found with wasinet.Listeners (WASINET_LISTEN_FDS), with a --dir
// to read from.
//
//	listen_files FILE
//
// Prints "addr=ADDR" (the listener's Addr), accepts one connection, prints
// "local=ADDR remote=ADDR" (the conn's addresses), reads one line from it
// and answers "FILE: CONTENT" (FILE's first line) and "remote=ADDR", then
// prints "served". Exit 0, or 1 with the reason on stderr.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"wasinet.dev/wasinet"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "listen_files: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: listen_files FILE")
	}
	lns, err := wasinet.Listeners()
	if err != nil || len(lns) == 0 {
		fail("no listener (%v)", err)
	}
	ln := lns[0]
	fmt.Printf("addr=%s\n", ln.Addr())
	content, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	first, _, _ := strings.Cut(string(content), "\n")
	c, err := ln.Accept()
	if err != nil {
		fail("accept: %v", err)
	}
	fmt.Printf("local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
		fail("read: %v", err)
	}
	if _, err := fmt.Fprintf(c, "%s: %s\nremote=%s\n", os.Args[1], first, c.RemoteAddr()); err != nil {
		fail("write: %v", err)
	}
	if err := c.Close(); err != nil {
		fail("close: %v", err)
	}
	fmt.Println("served")
}
