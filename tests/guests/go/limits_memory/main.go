// limits_memory: a Go program that keeps allocating (and holding) 1 MiB
// blocks until its runtime dies of "out of memory", as a leaking server
// under --max-memory would. Prints "allocated=N MiB" every 8 MiB.
package main

import (
	"fmt"
	"os"
)

var held [][]byte

func main() {
	for i := 1; ; i++ {
		b := make([]byte, 1<<20)
		for j := range b {
			b[j] = byte(i)
		}
		held = append(held, b)
		if i%8 == 0 {
			fmt.Printf("allocated=%d MiB\n", i)
		}
		if i > 4096 {
			fmt.Fprintln(os.Stderr, "limits_memory: 4 GiB allocated, no cap reached")
			os.Exit(1)
		}
	}
}
