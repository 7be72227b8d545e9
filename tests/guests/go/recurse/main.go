// recurse: calls a function within itself N levels deep and prints
// "depth N ok"; with "forever" it never stops, printing "depth N" every
// 10000 levels, until the host stops it (wasinet: "ran out of stack").
// Go programs recurse deeply (parsers of nested JSON, templates): this is
// how deep one plain Go function gets on wasinet's default wasm stack.
package main

import (
	"fmt"
	"os"
	"strconv"
)

var progress bool

//go:noinline
func down(n, limit int) int {
	if n == limit {
		return n
	}
	if progress && n%10000 == 0 {
		fmt.Println("depth", n)
	}
	return down(n+1, limit) // not a tail call in Go: every level keeps a frame
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "recurse: usage: recurse N|forever")
		os.Exit(2)
	}
	limit := -1
	if os.Args[1] == "forever" {
		progress = true
	} else {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 0 {
			fmt.Fprintln(os.Stderr, "recurse: not a depth:", os.Args[1])
			os.Exit(2)
		}
		limit = n
	}
	fmt.Printf("depth %d ok\n", down(0, limit))
}
