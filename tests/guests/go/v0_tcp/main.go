// v0_tcp: TCP through wasinet_v0 as programs built with the existing Go
// guest library do it (package internal/v0guest), against native peers.
//
//	v0_tcp client ADDR SIZE    dial, one Write of SIZE pattern bytes, read
//	                           the SIZE-byte echo and EOF; prints
//	                           "local=L remote=R" then "ok SIZE SHA256"
//	v0_tcp readfirst ADDR      dial and read to EOF before writing anything;
//	                           prints "read N SHA256"
//	v0_tcp server ADDR N       listen on ADDR, print "listening A", echo N
//	                           connections concurrently, printing
//	                           "accepted peer=P local=L" and "done peer=P bytes=B"
//	v0_tcp selfecho ADDR       listen on ADDR, print "listening A", dial that
//	                           listener from the same guest and exchange
//	                           1 KiB ("self ok"), then echo one more
//	                           connection (a native one) and exit
package main

import (
	"fmt"
	"io"
	"net"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_tcp client ADDR SIZE | readfirst ADDR | server ADDR N | selfecho ADDR"

func main() {
	echo.Main(usage, map[string]echo.Mode{
		"client":    {Args: 2, Run: func(a []string) { client(a[0], echo.Atoi(a[1])) }},
		"readfirst": {Args: 1, Run: func(a []string) { readFirst(a[0]) }},
		"server":    {Args: 2, Run: func(a []string) { echo.Server("tcp", a[0], echo.Atoi(a[1])) }},
		"selfecho":  {Args: 1, Run: func(a []string) { selfEcho(a[0]) }},
	})
}

func client(addr string, size int) {
	c := echo.Dial("tcp", addr)
	fmt.Printf("local=%s remote=%s\n", c.LocalAddr(), c.RemoteAddr())
	echo.Client(c, size)
}

func readFirst(addr string) {
	c := echo.Dial("tcp", addr)
	b, err := io.ReadAll(c)
	if err != nil {
		echo.Fail("read: %v", err)
	}
	c.Close()
	fmt.Printf("read %d %s\n", len(b), echo.Sum(b))
}

func selfEcho(addr string) {
	l := echo.Listen("tcp", addr)
	served := make(chan error, 2)
	go func() {
		for i := 0; i < 2; i++ {
			c, err := l.Accept()
			if err != nil {
				served <- err
				return
			}
			go func() {
				_, err := echo.Serve(c)
				served <- err
			}()
		}
	}()
	c, err := v0guest.Dial("tcp", l.Addr().String())
	if err != nil {
		echo.Fail("dial own listener: %v", err)
	}
	if err := halfCloseExchange(c, 1024); err != nil {
		echo.Fail("exchange with own listener: %v", err)
	}
	fmt.Println("self ok")
	for i := 0; i < 2; i++ {
		if err := <-served; err != nil {
			echo.Fail("serve: %v", err)
		}
	}
	l.Close()
}

// halfCloseExchange sends size bytes, then shuts its write side down
// (sock_shutdown, as the library's CloseWrite would if it had one) so the
// echo loop sees EOF, and checks the echo.
func halfCloseExchange(c net.Conn, size int) error {
	if _, err := c.Write(echo.Pattern(size)); err != nil {
		return err
	}
	if err := v0guest.CloseWrite(c); err != nil {
		return err
	}
	got, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if echo.Sum(got) != echo.Sum(echo.Pattern(size)) {
		return fmt.Errorf("echo of %d bytes differs (%d back)", size, len(got))
	}
	return c.Close()
}
