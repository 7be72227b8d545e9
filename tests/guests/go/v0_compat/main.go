// v0_compat: one mode per compatibility rule of the wasinet_v0 ABI, each
// making exactly the calls programs built with the existing Go guest
// library make (package internal/v0guest). Each prints one result line;
// the e2e test judges it together with what its native peer saw.
//
//	refused ADDR           dial a closed port (10 s budget): "errno=N
//	                       elapsed_ms=M" — the library finishes a connect
//	                       only on SO_ERROR's errno, so ECONNREFUSED must
//	                       come back as that errno, promptly
//	bigwrite ADDR SIZE     one Write of SIZE pattern bytes to a slow reader:
//	                       "wrote N errno=E" — no retry, no loop, so the
//	                       host must write all of it
//	readdeadline ADDR MS   read deadline MS ms ahead on an idle conn:
//	                       "n=N timeout=T errno=E elapsed_ms=M"
//	expired ADDR           read deadline long past (net/http's way to stop
//	                       a pending read; negative seconds on the wire):
//	                       same output as readdeadline
//	cleared ADDR           200 ms deadline then cleared ({0, 0}); the peer
//	                       writes after 600 ms: "read TEXT elapsed_ms=M"
//	wrongaddr NET ADDR BOGUS  on a stream conn to ADDR (tcp or unix), one
//	                       write naming BOGUS instead of the peer:
//	                       "wrote N errno=E" — the host must ignore it
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_compat refused ADDR | bigwrite ADDR SIZE | readdeadline ADDR MS | expired ADDR | " +
	"cleared ADDR | wrongaddr NET ADDR BOGUS"

func main() {
	echo.Main(usage, map[string]echo.Mode{
		"refused":      {Args: 1, Run: func(a []string) { refused(a[0]) }},
		"bigwrite":     {Args: 2, Run: func(a []string) { bigWrite(a[0], echo.Atoi(a[1])) }},
		"readdeadline": {Args: 2, Run: func(a []string) { readDeadline(a[0], a[1]) }},
		"expired":      {Args: 1, Run: func(a []string) { deadlineRead(echo.Dial("tcp", a[0]), time.Unix(1, 0)) }},
		"cleared":      {Args: 1, Run: func(a []string) { cleared(a[0]) }},
		"wrongaddr":    {Args: 3, Run: func(a []string) { wrongAddr(a[0], a[1], a[2]) }},
	})
}

func refused(addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	c, err := (&v0guest.Dialer{}).DialContext(ctx, "tcp", addr)
	if err == nil {
		c.Close()
		echo.Fail("dial %s succeeded; want a refusal", addr)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		echo.Fail("dial %s waited for the whole context (%v): the refusal never surfaced", addr, err)
	}
	fmt.Printf("errno=%d elapsed_ms=%d\n", v0guest.Errno(err), time.Since(start).Milliseconds())
}

func bigWrite(addr string, size int) {
	c := echo.Dial("tcp", addr)
	n, err := c.Write(echo.Pattern(size))
	fmt.Printf("wrote %d errno=%d\n", n, v0guest.Errno(err))
	c.Close()
}

// readDeadline dials before parsing ms, so the deadline counts from just
// before the read.
func readDeadline(addr, ms string) {
	c := echo.Dial("tcp", addr)
	deadlineRead(c, time.Now().Add(time.Duration(echo.Atoi(ms))*time.Millisecond))
}

func deadlineRead(c net.Conn, deadline time.Time) {
	if err := c.SetReadDeadline(deadline); err != nil {
		echo.Fail("set deadline: %v", err)
	}
	start := time.Now()
	var b [16]byte
	n, err := c.Read(b[:])
	var ne net.Error
	timeout := errors.As(err, &ne) && ne.Timeout()
	fmt.Printf("n=%d timeout=%t errno=%d elapsed_ms=%d\n", n, timeout, v0guest.Errno(err),
		time.Since(start).Milliseconds())
	c.Close()
}

func cleared(addr string) {
	c := echo.Dial("tcp", addr)
	if err := c.SetReadDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		echo.Fail("set deadline: %v", err)
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		echo.Fail("clear deadline: %v", err)
	}
	start := time.Now()
	b, err := io.ReadAll(c)
	if err != nil {
		echo.Fail("read after clearing the deadline: %v (after %v)", err, time.Since(start))
	}
	fmt.Printf("read %s elapsed_ms=%d\n", b, time.Since(start).Milliseconds())
	c.Close()
}

func wrongAddr(network, addr, bogus string) {
	c := echo.Dial(network, addr)
	var to net.Addr
	if network == "unix" {
		to = &net.UnixAddr{Name: bogus, Net: "unix"}
	} else {
		a, err := net.ResolveTCPAddr("tcp", bogus) // a literal: no lookup
		if err != nil {
			echo.Fail("%v", err)
		}
		to = a
	}
	n, err := v0guest.WriteWithAddress(c, []byte("sent with a wrong address"), to)
	fmt.Printf("wrote %d errno=%d\n", n, v0guest.Errno(err))
	c.Close()
}
