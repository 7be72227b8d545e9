// bulkpeer is the native end of the TCP throughput benchmark. It listens
// on 127.0.0.1 (a free port), prints "listening ADDR", accepts ONE
// connection from the program under test (cmd/bulk's guest, or its native
// build) and times the transfer:
//
//	bulkpeer recv           read until EOF (the program sends)
//	bulkpeer send BYTES     write BYTES, half-close, then wait for the
//	                        program to close: it has then read everything
//
// then prints "bytes N seconds S MB/s R" (MB = 10^6 bytes). The clock runs
// from accept to the end, so process start and dial are not counted.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
	"wasinet.bench/internal/stream"
)

const chunk = 256 << 10

func main() {
	var sendBytes int64 = -1
	switch {
	case len(os.Args) == 2 && os.Args[1] == "recv":
	case len(os.Args) == 3 && os.Args[1] == "send":
		n, err := strconv.ParseInt(os.Args[2], 10, 64)
		if err != nil || n < 0 {
			fail("bad byte count %q", os.Args[2])
		}
		sendBytes = n
	default:
		fmt.Fprintln(os.Stderr, "usage: bulkpeer recv | bulkpeer send BYTES")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listen: %v", err)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	c, err := ln.Accept()
	if err != nil {
		fail("accept: %v", err)
	}
	ln.Close()
	start := time.Now()
	var n int64
	if sendBytes >= 0 {
		n = send(c.(*net.TCPConn), sendBytes)
	} else {
		n = drain(c)
	}
	secs := time.Since(start).Seconds()
	c.Close()
	fmt.Printf("bytes %d seconds %.4f MB/s %.1f\n", n, secs, float64(n)/secs/1e6)
}

func send(c *net.TCPConn, total int64) int64 {
	buf := make([]byte, chunk)
	sent, err := stream.WriteN(c, buf, total)
	if err != nil {
		fail("write after %d bytes: %v", sent, err)
	}
	if err := c.CloseWrite(); err != nil {
		fail("half-close: %v", err)
	}
	// The program closes once it has read our EOF.
	if extra := drain(c); extra != 0 {
		fail("the program sent %d unexpected bytes", extra)
	}
	return sent
}

func drain(c net.Conn) int64 {
	buf := make([]byte, chunk)
	var got int64
	for {
		n, err := c.Read(buf)
		got += int64(n)
		if err == io.EOF {
			return got
		}
		if err != nil {
			fail("read after %d bytes: %v", got, err)
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bulkpeer: "+format+"\n", args...)
	os.Exit(1)
}
