// hello: the smallest end-to-end check of argv, environment, stdout, stderr
// and the exit code.
//
// stdout: "argc=N", one "argN=VALUE" line per argument after argv[0],
// "HELLO_GREETING=VALUE" (or "HELLO_GREETING unset"), "envcount=N".
// stderr: one line. Exit code: 3.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args[1:] {
		fmt.Printf("arg%d=%s\n", i+1, a)
	}
	if v, ok := os.LookupEnv("HELLO_GREETING"); ok {
		fmt.Printf("HELLO_GREETING=%s\n", v)
	} else {
		fmt.Println("HELLO_GREETING unset")
	}
	fmt.Printf("envcount=%d\n", len(os.Environ()))
	fmt.Fprintln(os.Stderr, "hello: this line goes to stderr")
	os.Exit(3)
}
