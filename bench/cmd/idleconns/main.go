// idleconns holds many idle keep-alive HTTP connections to a server, for
// the benchmark's memory figure:
//
//	idleconns ADDR N
//
// It opens N connections (a bounded number of dials at a time) and makes
// one request on each, keeping them all open; then prints
// "held K failed F skipped S" (S: not tried, because so many had failed
// that the server evidently holds no more) and waits for a line on stdin (meanwhile the
// benchmark reads the server's RSS). Then every held connection makes
// another request, all at once, and it prints "served S failed F" and
// exits. Requests are written by hand (HTTP/1.1, keep-alive) so nothing
// pools or closes connections behind our back.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	dialsAtOnce = 64
	// Past this many failures the rest are skipped: a server that stopped
	// accepting would otherwise cost a timeout per remaining connection.
	giveUpAfter = 100
)

type conn struct {
	c  net.Conn
	br *bufio.Reader
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: idleconns ADDR N")
		os.Exit(2)
	}
	addr := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n <= 0 {
		fmt.Fprintf(os.Stderr, "idleconns: bad count %q\n", os.Args[2])
		os.Exit(2)
	}
	raiseFdLimit()
	req := []byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")

	conns := make([]*conn, n)
	var failed atomic.Int64
	var firstErr sync.Once
	report := func(err error) {
		failed.Add(1)
		firstErr.Do(func() { fmt.Fprintln(os.Stderr, "idleconns: first failure:", err) })
	}
	sem := make(chan struct{}, dialsAtOnce)
	var wg sync.WaitGroup
	skipped := 0
	for i := range conns {
		if failed.Load() >= giveUpAfter {
			skipped = n - i
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				report(err)
				return
			}
			cc := &conn{c: c, br: bufio.NewReaderSize(c, 1024)}
			if err := cc.roundTrip(req, 10*time.Second); err != nil {
				c.Close()
				report(err)
				return
			}
			conns[i] = cc
		}()
	}
	wg.Wait()
	held := 0
	for _, c := range conns {
		if c != nil {
			held++
		}
	}
	fmt.Printf("held %d failed %d skipped %d\n", held, failed.Load(), skipped)

	bufio.NewReader(os.Stdin).ReadString('\n')

	failed.Store(0)
	var served atomic.Int64
	for _, c := range conns {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// All at once: the server may take a while to get to each.
			if err := c.roundTrip(req, time.Minute); err != nil {
				report(err)
				return
			}
			served.Add(1)
		}()
	}
	wg.Wait()
	fmt.Printf("served %d failed %d\n", served.Load(), failed.Load())
}

// roundTrip sends one request and reads the whole response.
func (c *conn) roundTrip(req []byte, timeout time.Duration) error {
	c.c.SetDeadline(time.Now().Add(timeout))
	defer c.c.SetDeadline(time.Time{})
	if _, err := c.c.Write(req); err != nil {
		return fmt.Errorf("write request: %w", err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

// raiseFdLimit lifts the soft fd limit to the hard one (Go does this at
// start already; done explicitly so a lower hard limit is reported).
func raiseFdLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, "idleconns: raising the fd limit:", err)
	}
}
