// bulk is the guest half of the TCP throughput benchmark (the native peer
// is cmd/bulkpeer, which does the timing). It dials the peer and then
//
//	bulk send ADDR BYTES   writes BYTES bytes, closes, prints "sent N"
//	bulk recv ADDR         reads until EOF, prints "received N", closes
//
// The same source runs natively for the baseline.
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"wasinet.bench/internal/stream"

	"wasinet.dev/wasinet"
)

// chunk is the size of each Read/Write: large, as a program moving bulk
// data would use, so the figure is about the data path, not call counts.
const chunk = 256 << 10

func main() {
	switch {
	case len(os.Args) == 4 && os.Args[1] == "send":
		n, err := strconv.ParseInt(os.Args[3], 10, 64)
		if err != nil || n < 0 {
			fail("bad byte count %q", os.Args[3])
		}
		send(os.Args[2], n)
	case len(os.Args) == 3 && os.Args[1] == "recv":
		recv(os.Args[2])
	default:
		fmt.Fprintln(os.Stderr, "usage: bulk send ADDR BYTES | bulk recv ADDR")
		os.Exit(2)
	}
}

func send(addr string, total int64) {
	c, err := wasinet.Dial("tcp", addr)
	if err != nil {
		fail("dial %s: %v", addr, err)
	}
	buf := make([]byte, chunk)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	sent, err := stream.WriteN(c, buf, total)
	if err != nil {
		fail("write after %d bytes: %v", sent, err)
	}
	if err := c.Close(); err != nil {
		fail("close: %v", err)
	}
	fmt.Printf("sent %d\n", sent)
}

func recv(addr string) {
	c, err := wasinet.Dial("tcp", addr)
	if err != nil {
		fail("dial %s: %v", addr, err)
	}
	buf := make([]byte, chunk)
	var got int64
	for {
		n, err := c.Read(buf)
		got += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			fail("read after %d bytes: %v", got, err)
		}
	}
	c.Close()
	fmt.Printf("received %d\n", got)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bulk: "+format+"\n", args...)
	os.Exit(1)
}
