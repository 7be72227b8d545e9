// hello_http_net is hello_http as a Go program is usually written: package
// net's Listen, nothing of wasinet's imported. The benchmark builds it with
// `wasinet go build` (the overlay of package net) and measures it next to
// hello_http's SDK build.
//
//	hello_http_net ADDR   listen on ADDR, print "listening A", serve until killed
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hello_http_net ADDR")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello_http_net:", err)
		os.Exit(1)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	hello := []byte("hello")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(hello)
	})
	err = (&http.Server{Handler: handler}).Serve(ln)
	fmt.Fprintln(os.Stderr, "hello_http_net: serve:", err)
	os.Exit(1)
}
