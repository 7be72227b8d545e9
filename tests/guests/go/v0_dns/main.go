// v0_dns: name and service lookups through wasinet_v0 (sock_getaddrip,
// sock_getaddrport) as programs built with the existing Go guest library
// make them.
//
//	v0_dns ip NETWORK NAME     one "ip A" line per answer, in the host's
//	                           order, or "error errno=N"
//	v0_dns port NETWORK NAME   "port N" or "error errno=N"
//	v0_dns dial HOST:PORT      dial (resolving HOST through the host), send
//	                           "hello", print "remote=R" and "reply TEXT"
//	v0_dns goresolver NAME     Go's own resolver with its Dial set to the
//	                           wasinet_v0 dialer (what the library's
//	                           autohijack does): it reads /etc/hosts and
//	                           /etc/resolv.conf inside the guest. One
//	                           "host A" line per answer, or "error TEXT"
package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_dns ip NETWORK NAME | port NETWORK NAME | dial HOST:PORT | goresolver NAME"

func main() {
	echo.Main(usage, map[string]echo.Mode{
		"ip":         {Args: 2, Run: func(a []string) { lookupIP(a[0], a[1]) }},
		"port":       {Args: 2, Run: func(a []string) { lookupPort(a[0], a[1]) }},
		"dial":       {Args: 1, Run: func(a []string) { dial(a[0]) }},
		"goresolver": {Args: 1, Run: func(a []string) { goResolver(a[0]) }},
	})
}

func lookupIP(network, name string) {
	ips, err := v0guest.LookupIP(network, name)
	if err != nil {
		fmt.Printf("error errno=%d\n", v0guest.Errno(err))
		return
	}
	for _, ip := range ips {
		fmt.Printf("ip %s\n", ip)
	}
}

func lookupPort(network, name string) {
	p, err := v0guest.LookupPort(network, name)
	if err != nil {
		fmt.Printf("error errno=%d\n", v0guest.Errno(err))
		return
	}
	fmt.Printf("port %d\n", p)
}

func dial(addr string) {
	c := echo.Dial("tcp", addr)
	fmt.Printf("remote=%s\n", c.RemoteAddr())
	if _, err := c.Write([]byte("hello")); err != nil {
		echo.Fail("write: %v", err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		echo.Fail("read: %v", err)
	}
	fmt.Printf("reply %s\n", b)
	c.Close()
}

func goResolver(name string) {
	net.DefaultResolver.Dial = (&v0guest.Dialer{}).DialContext
	hosts, err := net.DefaultResolver.LookupHost(context.Background(), name)
	if err != nil {
		fmt.Printf("error %v\n", err)
		return
	}
	for _, h := range hosts {
		fmt.Printf("host %s\n", h)
	}
}
