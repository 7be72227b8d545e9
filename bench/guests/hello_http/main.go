// hello_http is the benchmark's HTTP server: net/http answering every
// request with "hello". The same source is built natively and for wasip1;
// wasinet.Listen is package net's Listen natively, so the two differ only
// in where they run.
//
//	hello_http ADDR   listen on ADDR, print "listening A", serve until killed
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"wasinet.dev/wasinet"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hello_http ADDR")
		os.Exit(2)
	}
	ln, err := wasinet.Listen(context.Background(), "tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello_http:", err)
		os.Exit(1)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	hello := []byte("hello")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(hello)
	})
	// No timeouts: the idle-connection benchmark holds keep-alive
	// connections open on purpose.
	err = (&http.Server{Handler: handler}).Serve(ln)
	fmt.Fprintln(os.Stderr, "hello_http: serve:", err)
	os.Exit(1)
}
