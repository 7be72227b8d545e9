// stdin: reads stdin to EOF and prints "bytes=N fnv1a64=HEX" (FNV-1a, 64 bit,
// 16 lower-case hex digits), so a test can pipe in data and compare.
package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

func main() {
	h := fnv.New64a()
	n, err := io.Copy(h, os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stdin: read failed after %d bytes: %v\n", n, err)
		os.Exit(1)
	}
	fmt.Printf("bytes=%d fnv1a64=%016x\n", n, h.Sum64())
}
