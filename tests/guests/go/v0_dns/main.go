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
	"os"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_dns ip NETWORK NAME | port NETWORK NAME | dial HOST:PORT | goresolver NAME"

func main() {
	if len(os.Args) < 2 {
		echo.Fail("usage: %s", usage)
	}
	switch os.Args[1] {
	case "ip":
		a := echo.Args(2, usage)
		ips, err := v0guest.LookupIP(a[0], a[1])
		if err != nil {
			fmt.Printf("error errno=%d\n", v0guest.Errno(err))
			return
		}
		for _, ip := range ips {
			fmt.Printf("ip %s\n", ip)
		}
	case "port":
		a := echo.Args(2, usage)
		p, err := v0guest.LookupPort(a[0], a[1])
		if err != nil {
			fmt.Printf("error errno=%d\n", v0guest.Errno(err))
			return
		}
		fmt.Printf("port %d\n", p)
	case "dial":
		c, err := v0guest.Dial("tcp", echo.Args(1, usage)[0])
		if err != nil {
			echo.Fail("dial: %v", err)
		}
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
	case "goresolver":
		name := echo.Args(1, usage)[0]
		net.DefaultResolver.Dial = (&v0guest.Dialer{}).DialContext
		hosts, err := net.DefaultResolver.LookupHost(context.Background(), name)
		if err != nil {
			fmt.Printf("error %v\n", err)
			return
		}
		for _, h := range hosts {
			fmt.Printf("host %s\n", h)
		}
	default:
		echo.Fail("usage: %s", usage)
	}
}
