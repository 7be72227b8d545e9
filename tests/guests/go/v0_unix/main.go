// v0_unix: unix sockets through wasinet_v0 as programs built with the
// existing Go guest library do it (package internal/v0guest). Paths are
// guest paths, resolved by the host through the preopened directories.
//
//	v0_unix server PATH N          listen on PATH, print "listening P", echo N
//	                               connections concurrently ("accepted
//	                               local=L", "done bytes=B")
//	v0_unix client PATH SIZE       dial, print "remote=R", one Write of SIZE
//	                               pattern bytes, read the echo and EOF,
//	                               print "ok SIZE SHA256"
//	v0_unix dgram-server PATH COUNT  bind PATH, print "listening P", then per
//	                               datagram "from SRC n=N" and send it back
//	v0_unix dgram-client PATH SERVER  bind PATH, send "ping from the guest"
//	                               to SERVER, print "reply from SRC TEXT"
package main

import (
	"fmt"
	"net"
	"os"
	"sync"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_unix server PATH N | client PATH SIZE | dgram-server PATH COUNT | dgram-client PATH SERVER"

func main() {
	if len(os.Args) < 2 {
		echo.Fail("usage: %s", usage)
	}
	switch os.Args[1] {
	case "server":
		a := echo.Args(2, usage)
		server(a[0], echo.Atoi(a[1]))
	case "client":
		a := echo.Args(2, usage)
		client(a[0], echo.Atoi(a[1]))
	case "dgram-server":
		a := echo.Args(2, usage)
		dgramServer(a[0], echo.Atoi(a[1]))
	case "dgram-client":
		a := echo.Args(2, usage)
		dgramClient(a[0], a[1])
	default:
		echo.Fail("usage: %s", usage)
	}
}

func server(path string, conns int) {
	l, err := v0guest.Listen("unix", path)
	if err != nil {
		echo.Fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	var wg sync.WaitGroup
	var out sync.Mutex
	for i := 0; i < conns; i++ {
		c, err := l.Accept()
		if err != nil {
			echo.Fail("accept: %v", err)
		}
		out.Lock()
		fmt.Printf("accepted local=%s\n", c.LocalAddr())
		out.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := echo.Serve(c)
			out.Lock()
			defer out.Unlock()
			if err != nil {
				fmt.Printf("failed bytes=%d: %v\n", n, err)
				return
			}
			fmt.Printf("done bytes=%d\n", n)
		}()
	}
	wg.Wait()
	l.Close()
}

func client(path string, size int) {
	c, err := v0guest.Dial("unix", path)
	if err != nil {
		echo.Fail("dial: %v", err)
	}
	fmt.Printf("remote=%s\n", c.RemoteAddr())
	if err := echo.Exchange(c, size); err != nil {
		echo.Fail("exchange: %v", err)
	}
	c.Close()
	fmt.Printf("ok %d %s\n", size, echo.Sum(echo.Pattern(size)))
}

func dgramServer(path string, count int) {
	pc, err := v0guest.ListenPacket("unixgram", path)
	if err != nil {
		echo.Fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", pc.LocalAddr())
	buf := make([]byte, 65536)
	for i := 0; i < count; i++ {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			echo.Fail("read: %v", err)
		}
		fmt.Printf("from %s n=%d\n", from, n)
		if _, err := pc.WriteTo(buf[:n], from); err != nil {
			echo.Fail("write to %s: %v", from, err)
		}
	}
	pc.Close()
}

func dgramClient(path, server string) {
	pc, err := v0guest.ListenPacket("unixgram", path)
	if err != nil {
		echo.Fail("listen: %v", err)
	}
	to := &net.UnixAddr{Name: server, Net: "unixgram"}
	if _, err := pc.WriteTo([]byte("ping from the guest"), to); err != nil {
		echo.Fail("write to %s: %v", server, err)
	}
	buf := make([]byte, 2048)
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		echo.Fail("read: %v", err)
	}
	fmt.Printf("reply from %s %s\n", from, buf[:n])
	pc.Close()
}
