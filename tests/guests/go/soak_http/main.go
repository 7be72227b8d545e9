// soak_http: the HTTP server of the soak test (tests/e2e/soak_test.go):
// net/http on wasinet.Listen, printing "listening on http://ADDR" and
// serving until stopped.
//
//	GET /          "hello ADDR\n", ADDR being the client's address as the
//	               guest sees it (the test checks it is the client's own)
//	POST /echo     the request body, read whole first, with its length
//
// The echo reads the whole body before answering: Go's HTTP/1 server does
// not let a handler read the request body after the response has started
// (without ResponseController.EnableFullDuplex), so a streaming io.Copy
// echo loses bytes of bodies over its 4 KiB write buffer.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"wasinet.dev/wasinet"
)

func main() {
	ln, err := wasinet.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak_http: listen:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", r.RemoteAddr)
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	err = http.Serve(ln, mux)
	fmt.Fprintln(os.Stderr, "soak_http: serve:", err)
	os.Exit(1)
}
