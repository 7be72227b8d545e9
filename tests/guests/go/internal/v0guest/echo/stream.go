package echo

import (
	"fmt"
	"net"
	"sync"

	"wasinet.test/guests/internal/v0guest"
)

// Dial dials through wasinet_v0 or fails.
func Dial(network, addr string) net.Conn {
	c, err := v0guest.Dial(network, addr)
	if err != nil {
		Fail("dial %s: %v", addr, err)
	}
	return c
}

// Listen listens through wasinet_v0 and prints "listening A", or fails.
func Listen(network, addr string) net.Listener {
	l, err := v0guest.Listen(network, addr)
	if err != nil {
		Fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	return l
}

// Client runs Exchange on c, closes it and prints "ok SIZE SHA256", or
// fails.
func Client(c net.Conn, size int) {
	if err := Exchange(c, size); err != nil {
		Fail("exchange: %v", err)
	}
	c.Close()
	fmt.Printf("ok %d %s\n", size, Sum(Pattern(size)))
}

// Server listens on addr (see Listen) and echoes conns connections
// concurrently, printing "accepted [peer=P ]local=L" for each and
// "done [peer=P ]bytes=B" (or "failed [peer=P ]bytes=B: ERR") when its echo
// ends; then it closes the listener. Unix peers are unnamed, so only other
// networks print peer=.
func Server(network, addr string, conns int) {
	l := Listen(network, addr)
	var wg sync.WaitGroup
	var out sync.Mutex
	for i := 0; i < conns; i++ {
		c, err := l.Accept()
		if err != nil {
			Fail("accept: %v", err)
		}
		peer := ""
		if network != "unix" {
			peer = fmt.Sprintf("peer=%s ", c.RemoteAddr())
		}
		out.Lock()
		fmt.Printf("accepted %slocal=%s\n", peer, c.LocalAddr())
		out.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := Serve(c)
			out.Lock()
			defer out.Unlock()
			if err != nil {
				fmt.Printf("failed %sbytes=%d: %v\n", peer, n, err)
				return
			}
			fmt.Printf("done %sbytes=%d\n", peer, n)
		}()
	}
	wg.Wait()
	l.Close()
}
