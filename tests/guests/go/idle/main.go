// idle: a guest that prints "idle: sleeping" and then sleeps (in
// poll_oneoff, as a server waiting for work would) for the duration given
// as its argument (default 1h), then prints "idle: woke" and exits 0. For
// tests that stop a guest from outside (the containerd shim's `ctr task
// kill`): a stopped guest never prints "idle: woke".
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	d := time.Hour
	if len(os.Args) > 1 {
		var err error
		if d, err = time.ParseDuration(os.Args[1]); err != nil {
			fmt.Fprintf(os.Stderr, "idle: %v\n", err)
			os.Exit(2)
		}
	}
	fmt.Println("idle: sleeping")
	time.Sleep(d)
	fmt.Println("idle: woke")
}
