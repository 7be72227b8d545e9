// httpserver serves HTTP with net/http on a socket wasinet opened on the
// host: http.Serve on wasinet.Listen, or on the socket `wasinet run
// --listen` handed over (wasinet.Listeners) when there is one. It prints
// the address it listens on (useful with port 0) and serves until stopped.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"wasinet.dev/wasinet"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	flag.Parse()

	// A socket from `wasinet run --listen URL` comes first; -addr is then
	// unused. Either way Addr and each request's RemoteAddr are true.
	lns, err := wasinet.Listeners()
	if err != nil {
		log.Fatal(err)
	}
	var ln net.Listener
	if len(lns) > 0 {
		ln = lns[0]
	} else if ln, err = wasinet.Listen(context.Background(), "tcp", *addr); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello from a wasip1 guest! You are %s.\n", r.RemoteAddr)
	})
	// /echo returns the request body: handy for checking large transfers.
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// Read the whole body first: an HTTP/1 server may not read the
		// request once the response has started, so copying straight
		// through would cut bodies larger than its buffers.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})
	err = http.Serve(ln, mux)
	fmt.Fprintln(os.Stderr, "serve:", err)
	os.Exit(1)
}
