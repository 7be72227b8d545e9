// wasmedge_dispatchrun: an ordinary Go HTTP program on dispatchrun/net
// (github.com/stealthrocket/net, the module proxy's copy, unchanged), the
// library Go programs use to get sockets from WasmEdge's socket extension.
// Built with -tags getaddrinfo (build.tags) so that names are resolved
// through sock_getaddrinfo, as the library offers.
//
//	wasmedge_dispatchrun serve ADDR N   listen on ADDR, print "listening A",
//	                                    answer N requests, then exit
//	wasmedge_dispatchrun get URL        GET URL through the library's dialer,
//	                                    print "status S" and "body B"
//	wasmedge_dispatchrun udp ADDR       ListenPacket on loopback, send "ping"
//	                                    to ADDR, print "reply from SRC TEXT"
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"sync/atomic"

	_ "github.com/stealthrocket/net/http" // dials through wasip1.DialContext
	"github.com/stealthrocket/net/wasip1"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: serve ADDR N | get URL | udp ADDR")
	}
	switch os.Args[1] {
	case "serve":
		n, err := strconv.Atoi(os.Args[3])
		check("count", err)
		serve(os.Args[2], int64(n))
	case "get":
		get(os.Args[2])
	case "udp":
		udp(os.Args[2])
	default:
		fail("unknown mode %q", os.Args[1])
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "wasmedge_dispatchrun: "+format+"\n", a...)
	os.Exit(1)
}

func check(what string, err error) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func serve(addr string, n int64) {
	l, err := wasip1.Listen("tcp", addr)
	check("listen", err)
	fmt.Printf("listening %s\n", l.Addr())
	var served atomic.Int64
	done := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s from dispatchrun/net", r.URL.Path)
		if served.Add(1) == n {
			close(done)
		}
	})}
	go func() {
		if err := srv.Serve(l); err != http.ErrServerClosed {
			check("serve", err)
		}
	}()
	<-done
	// Shutdown waits for the last answer to leave.
	check("shutdown", srv.Shutdown(context.Background()))
	fmt.Println("served", n)
}

func get(url string) {
	resp, err := http.Get(url)
	check("get", err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	check("read body", err)
	fmt.Printf("status %d\nbody %s\n", resp.StatusCode, body)
}

func udp(addr string) {
	// From a netip.AddrPort, an IPv4 address stays 4 bytes: the library
	// sends a 16-byte net.IP as IPv6, which an IPv4 socket refuses
	// (docs/wasmedge-abi.md).
	ap, err := netip.ParseAddrPort(addr)
	check("address", err)
	to := net.UDPAddrFromAddrPort(ap)
	local := "127.0.0.1:0"
	if ap.Addr().Is6() {
		local = "[::1]:0"
	}
	c, err := wasip1.ListenPacket("udp", local)
	check("listen packet", err)
	_, err = c.WriteTo([]byte("ping"), to)
	check("write to", err)
	buf := make([]byte, 2048)
	n, from, err := c.ReadFrom(buf)
	check("read from", err)
	fmt.Printf("reply from %s %s\n", from, buf[:n])
}
