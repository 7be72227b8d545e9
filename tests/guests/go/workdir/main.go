// workdir: where a program works and what a relative name opens there.
//
// stdout: "getwd=DIR" (os.Getwd, or "getwd error: ERR"), "PWD=VALUE" or
// "PWD unset", then for each argument "NAME: CONTENT" (the file's first
// line) or "NAME: error: ERR". Exit 0, or 1 when anything failed.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	failed := false
	if wd, err := os.Getwd(); err != nil {
		fmt.Printf("getwd error: %v\n", err)
		failed = true
	} else {
		fmt.Printf("getwd=%s\n", wd)
	}
	if v, ok := os.LookupEnv("PWD"); ok {
		fmt.Printf("PWD=%s\n", v)
	} else {
		fmt.Println("PWD unset")
	}
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Printf("%s: error: %v\n", name, err)
			failed = true
			continue
		}
		line, _ := bufio.NewReader(f).ReadString('\n')
		f.Close()
		fmt.Printf("%s: %s", name, line)
	}
	if failed {
		os.Exit(1)
	}
}
