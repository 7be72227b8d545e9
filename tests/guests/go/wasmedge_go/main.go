// wasmedge_go: WasmEdge's socket extension called directly from Go, with
// the second version's signatures (package internal/wasmedge), against
// native peers. Every mode prints what it saw, one fact per line.
//
//	wasmedge_go client ADDR      connect, print "local=L remote=R", send
//	                             "hello from wasmedge", shut down writing,
//	                             print "reply TEXT"
//	wasmedge_go server ADDR      bind and listen, print "listening A", accept
//	                             one (blocking), print "peer P", echo to EOF
//	wasmedge_go udp ADDR         bind loopback of ADDR's family, print
//	                             "local L", send "ping" to ADDR, print
//	                             "reply from SRC TEXT"
//	wasmedge_go udpserver ADDR   bind, print "listening A", echo one datagram
//	                             and print "from SRC n=N"
//	wasmedge_go lookup NODE SERVICE FAMILY SOCKTYPE   print "A socktype=T" per
//	                             answer, or "error N"
//	wasmedge_go refused ADDR     connect, print "connect error N"
//	wasmedge_go nonblock         non-blocking listener on 127.0.0.1: print
//	                             "accept error N", "listening A", then wait in
//	                             poll_oneoff, accept, wait, print "got TEXT"
//	wasmedge_go options          socket options, one "NAME=VALUE" line each
//	wasmedge_go unix PATH        unix stream client: send, print "reply TEXT"
package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"syscall"

	"wasinet.test/guests/internal/wasmedge"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: see the comment in main.go")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "client":
		client(addr(args[0]))
	case "server":
		server(addr(args[0]))
	case "udp":
		udp(addr(args[0]))
	case "udpserver":
		udpServer(addr(args[0]))
	case "lookup":
		lookup(args)
	case "refused":
		refused(addr(args[0]))
	case "nonblock":
		nonblock()
	case "options":
		options()
	case "unix":
		unixClient(args[0])
	default:
		fail("unknown mode %q", os.Args[1])
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "wasmedge_go: "+format+"\n", a...)
	os.Exit(1)
}

func check(what string, err error) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func addr(s string) wasmedge.Addr {
	ap, err := netip.ParseAddrPort(s)
	check("address", err)
	return wasmedge.Addr{IP: ap}
}

func errnum(err error) int {
	var e syscall.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return -1
}

// readAll reads a stream socket to EOF.
func readAll(s wasmedge.Socket) []byte {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, _, err := s.RecvFrom(buf, 0)
		check("recv", err)
		if n == 0 {
			return out
		}
		out = append(out, buf[:n]...)
	}
}

func exchange(s wasmedge.Socket) {
	check("send", s.SendAll([]byte("hello from wasmedge")))
	check("shutdown", s.Shutdown(2)) // SHUT_WR as preview1's sdflags
	fmt.Printf("reply %s\n", readAll(s))
}

func client(to wasmedge.Addr) {
	s, err := wasmedge.OpenFor(to, wasmedge.SockStream)
	check("sock_open", err)
	check("connect", s.Connect(to))
	local, err := s.LocalAddr()
	check("sock_getlocaladdr", err)
	remote, err := s.PeerAddr()
	check("sock_getpeeraddr", err)
	fmt.Printf("local=%s remote=%s\n", local, remote)
	exchange(s)
	check("close", s.Close())
}

func server(at wasmedge.Addr) {
	l, err := wasmedge.OpenFor(at, wasmedge.SockStream)
	check("sock_open", err)
	check("bind", l.Bind(at))
	check("listen", l.Listen(8))
	local, err := l.LocalAddr()
	check("sock_getlocaladdr", err)
	fmt.Printf("listening %s\n", local)
	c, err := l.Accept(0)
	check("accept", err)
	peer, err := c.PeerAddr()
	check("sock_getpeeraddr", err)
	fmt.Printf("peer %s\n", peer)
	check("echo", c.SendAll(readAll(c)))
	check("close", c.Close())
}

func udp(to wasmedge.Addr) {
	s, err := wasmedge.OpenFor(to, wasmedge.SockDgram)
	check("sock_open", err)
	loop := netip.MustParseAddr("127.0.0.1")
	if to.IP.Addr().Is6() {
		loop = netip.IPv6Loopback()
	}
	check("bind", s.Bind(wasmedge.Addr{IP: netip.AddrPortFrom(loop, 0)}))
	local, err := s.LocalAddr()
	check("sock_getlocaladdr", err)
	fmt.Printf("local %s\n", local)
	_, err = s.SendTo([]byte("ping"), to)
	check("sock_send_to", err)
	buf := make([]byte, 2048)
	n, from, err := s.RecvFrom(buf, 0)
	check("sock_recv_from", err)
	fmt.Printf("reply from %s %s\n", from, buf[:n])
}

func udpServer(at wasmedge.Addr) {
	s, err := wasmedge.OpenFor(at, wasmedge.SockDgram)
	check("sock_open", err)
	check("bind", s.Bind(at))
	local, err := s.LocalAddr()
	check("sock_getlocaladdr", err)
	fmt.Printf("listening %s\n", local)
	buf := make([]byte, 2048)
	n, from, err := s.RecvFrom(buf, 0)
	check("sock_recv_from", err)
	fmt.Printf("from %s n=%d\n", from, n)
	_, err = s.SendTo(buf[:n], from)
	check("sock_send_to", err)
}

func lookup(args []string) {
	family, _ := strconv.Atoi(args[2])
	socktype, _ := strconv.Atoi(args[3])
	res, err := wasmedge.Lookup(args[0], args[1], uint8(family), uint8(socktype), 0, 8)
	if err != nil {
		fmt.Printf("error %d\n", errnum(err))
		return
	}
	for _, r := range res {
		fmt.Printf("%s socktype=%d\n", r.Addr, r.Socktype)
	}
}

func refused(to wasmedge.Addr) {
	s, err := wasmedge.OpenFor(to, wasmedge.SockStream)
	check("sock_open", err)
	fmt.Printf("connect error %d\n", errnum(s.Connect(to)))
}

func nonblock() {
	l, err := wasmedge.Open(wasmedge.AFInet4, wasmedge.SockStream)
	check("sock_open", err)
	check("bind", l.Bind(addr("127.0.0.1:0")))
	check("listen", l.Listen(8))
	check("set nonblock", l.SetNonblock())
	const fdflagsNonblock = 4
	_, err = l.Accept(fdflagsNonblock)
	fmt.Printf("accept error %d\n", errnum(err))
	local, err := l.LocalAddr()
	check("sock_getlocaladdr", err)
	fmt.Printf("listening %s\n", local)
	const minute = 60e9
	ready, err := l.WaitReadable(minute)
	check("poll_oneoff", err)
	if !ready {
		fail("no connection within a minute")
	}
	c, err := l.Accept(fdflagsNonblock)
	check("accept", err)
	buf := make([]byte, 256)
	for {
		n, _, err := c.RecvFrom(buf, 0)
		if errnum(err) == int(syscall.EAGAIN) {
			ready, err := c.WaitReadable(minute)
			check("poll_oneoff", err)
			if !ready {
				fail("no data within a minute")
			}
			continue
		}
		check("recv", err)
		fmt.Printf("got %s\n", buf[:n])
		return
	}
}

func options() {
	s, err := wasmedge.Open(wasmedge.AFInet4, wasmedge.SockStream)
	check("sock_open", err)
	check("set SO_REUSEADDR", s.SetInt(wasmedge.SoReuse, 1))
	show := func(name string, opt uint32) {
		v, err := s.GetInt(opt)
		if err != nil {
			fmt.Printf("%s=error %d\n", name, errnum(err))
			return
		}
		fmt.Printf("%s=%d\n", name, v)
	}
	show("reuseaddr", wasmedge.SoReuse)
	check("set SO_KEEPALIVE", s.SetInt(wasmedge.SoKeep, 1))
	show("keepalive", wasmedge.SoKeep)
	show("type", wasmedge.SoType)
	show("error", wasmedge.SoError)
	show("bindtodevice", wasmedge.SoBindDev)
	check("set SO_LINGER", s.SetLinger(1, 5))
	on, secs, err := s.GetLinger()
	check("get SO_LINGER", err)
	fmt.Printf("linger=%d,%d\n", on, secs)
	v, err := s.GetInt(wasmedge.SoSndbuf)
	check("get SO_SNDBUF", err)
	fmt.Printf("sndbuf positive=%t\n", v > 0)
	u, err := wasmedge.Open(wasmedge.AFInet4, wasmedge.SockDgram)
	check("sock_open udp", err)
	t, err := u.GetInt(wasmedge.SoType)
	check("get SO_TYPE", err)
	fmt.Printf("udp type=%d\n", t)
}

func unixClient(path string) {
	to := wasmedge.Addr{Path: path}
	s, err := wasmedge.OpenFor(to, wasmedge.SockStream)
	check("sock_open", err)
	check("connect", s.Connect(to))
	remote, err := s.PeerAddr()
	check("sock_getpeeraddr", err)
	fmt.Printf("remote=%s\n", remote)
	exchange(s)
}
