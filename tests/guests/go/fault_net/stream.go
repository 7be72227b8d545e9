package main

// Long streams whose pace the other side sets: the guest writes as fast
// as the peer reads (flood), or reads slowly while the peer writes as fast
// as it can (slowread). The test watches the wasinet process's memory
// meanwhile: the host must hold no more than the kernel's socket buffers.
// The payload is the pattern stream, byte i being i mod 251.

import (
	"fmt"
	"io"
	"time"

	"wasinet.test/guests/internal/guestkit"
)

// A block of the pattern whose length is a multiple of 251: written back
// to back, the blocks continue the stream.
var block = guestkit.Pattern(251 * 1024)

func flood(network, addr string, size int) {
	c := dial(network, addr)
	start := time.Now()
	for left := size; left > 0; {
		b := block
		if left < len(b) {
			b = b[:left]
		}
		n, err := c.Write(b)
		left -= n
		if err != nil {
			guestkit.Fail("flood: write after %d of %d bytes: %v", size-left, size, err)
		}
	}
	if err := c.Close(); err != nil {
		guestkit.Fail("flood: close: %v", err)
	}
	fmt.Printf("flood wrote=%d ms=%d\n", size, time.Since(start).Milliseconds())
}

func slowRead(network, addr string, size, slowMS int) {
	c := dial(network, addr)
	defer c.Close()
	start := time.Now()
	slowUntil := start.Add(time.Duration(slowMS) * time.Millisecond)
	buf := make([]byte, 64<<10)
	got := 0
	for {
		want := len(buf)
		slow := time.Now().Before(slowUntil)
		if slow {
			want = 16 << 10
		}
		n, err := c.Read(buf[:want])
		for i, b := range buf[:n] {
			if b != byte((got+i)%251) {
				guestkit.Fail("slowread: byte %d is %d, want %d", got+i, b, (got+i)%251)
			}
		}
		got += n
		if err == io.EOF {
			break
		}
		if err != nil {
			guestkit.Fail("slowread: read after %d bytes: %v", got, err)
		}
		if slow {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if got != size {
		guestkit.Fail("slowread: got %d bytes, want %d", got, size)
	}
	fmt.Printf("slowread got=%d ms=%d\n", got, time.Since(start).Milliseconds())
}
