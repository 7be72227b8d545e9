package main

// hold opens a socket of every kind and waits in all of them at once, so
// the test can stop wasinet with a signal while the guest sleeps in
// poll_oneoff (Go's netpoller) holding:
//
//	a TCP listener of its own            "listening A"
//	a UDP socket                         "udp A"
//	a unix listener at UNIXPATH          "unix P" (a socket file on the host)
//	the host's --listen socket at FD     waiting in Accept
//	a conn dialed to the native ADDR     waiting in Read
//	a conn accepted on its listener      waiting in Read (the test dials A)
//
// then prints "holding" and waits until it is stopped. Anything arriving
// on those sockets is a failure: the test sends nothing.

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"

	"wasinet.dev/wasinet"
	"wasinet.test/guests/internal/guestkit"
)

func hold(addr, unixPath, listenFD string) {
	ctx := context.Background()
	tl, err := wasinet.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		guestkit.Fail("hold: listen tcp: %v", err)
	}
	fmt.Printf("listening %s\n", tl.Addr())
	pc, err := wasinet.ListenPacket(ctx, "udp", "127.0.0.1:0")
	if err != nil {
		guestkit.Fail("hold: listen udp: %v", err)
	}
	fmt.Printf("udp %s\n", pc.LocalAddr())
	ul, err := wasinet.Listen(ctx, "unix", unixPath)
	if err != nil {
		guestkit.Fail("hold: listen unix: %v", err)
	}
	fmt.Printf("unix %s\n", ul.Addr())
	fd, err := strconv.Atoi(listenFD)
	if err != nil {
		guestkit.Fail("hold: fd %q: %v", listenFD, err)
	}
	hl, err := net.FileListener(os.NewFile(uintptr(fd), "host listener"))
	if err != nil {
		guestkit.Fail("hold: the host's listener at fd %d: %v", fd, err)
	}
	dialed := dial("tcp", addr)
	accepted, err := tl.Accept()
	if err != nil {
		guestkit.Fail("hold: accept: %v", err)
	}

	unexpected := make(chan string)
	read := func(name string, c net.Conn) {
		n, err := c.Read(make([]byte, 1))
		unexpected <- fmt.Sprintf("%s: read %d, %v", name, n, err)
	}
	accept := func(name string, l net.Listener) {
		_, err := l.Accept()
		unexpected <- fmt.Sprintf("%s: accept: %v", name, err)
	}
	go read("dialed conn", dialed)
	go read("accepted conn", accepted)
	go accept("unix listener", ul)
	go accept("host listener", hl)
	go func() {
		n, from, err := pc.ReadFrom(make([]byte, 1))
		unexpected <- fmt.Sprintf("udp: read %d from %v, %v", n, from, err)
	}()
	fmt.Println("holding")
	guestkit.Fail("hold: %s", <-unexpected)
}
