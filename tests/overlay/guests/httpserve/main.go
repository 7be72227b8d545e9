// httpserve is an ordinary net/http server: net.Listen, then http.Serve.
// It imports nothing of wasinet's; `wasinet go build` gives it real
// sockets. It prints "listening http://ADDR" once it accepts.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from net/http; you are %s\n", r.RemoteAddr)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	})
	fmt.Printf("listening http://%s (%T)\n", l.Addr(), l.Addr())
	log.Fatal(http.Serve(l, mux))
}
