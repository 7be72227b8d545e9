// plainhttp is an ordinary Go web service: it imports nothing of
// wasinet's. net.Listen and http.Get work as on any OS once it is built
// with `wasinet go build`, which swaps Go's fake wasip1 network for real
// sockets through the host:
//
//	wasinet go build -o plainhttp.wasm .
//	wasinet run --allow-listen=127.0.0.1:8080 --allow-net='*.example.com:443' plainhttp.wasm
//
// GET / greets; GET /fetch?url=URL fetches URL with http.Get (names
// resolved by the host, under its network policy) and reports what came
// back.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())

	client := &http.Client{Timeout: 10 * time.Second}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello from plain net/http on wasip1! You are %s.\n", r.RemoteAddr)
	})
	mux.HandleFunc("/fetch", func(w http.ResponseWriter, r *http.Request) {
		url := r.URL.Query().Get("url")
		resp, err := client.Get(url)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "%s answered %s with %d bytes: %q\n", url, resp.Status, len(body), body)
	})
	log.Fatal(http.Serve(ln, mux))
}
