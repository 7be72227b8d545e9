// listener_http: an ordinary Go HTTP server on a listener the host opened
// (`wasinet run --listen URL`), written as a program would be for any host
// that preopens sockets: no wasinet import, no socket call of its own.
//
// Argument 1: the listener's fd, or "-" (the default) for the first fd
// named in WASINET_LISTEN_FDS, where the host says its --listen sockets
// are. GET /hello answers "hello from the guest: /hello" with the
// request's method and the guest's argument 2, if any, on a second line.
// GET /exit answers, then the program exits 7 (so a test can end it).
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	arg := "-"
	if len(os.Args) > 1 {
		arg = os.Args[1]
	}
	if arg == "-" {
		arg, _, _ = strings.Cut(os.Getenv("WASINET_LISTEN_FDS"), ",")
	}
	fd, err := strconv.Atoi(arg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "listener_http: bad fd %q (WASINET_LISTEN_FDS=%q)\n", arg, os.Getenv("WASINET_LISTEN_FDS"))
		os.Exit(2)
	}
	tag := ""
	if len(os.Args) > 2 {
		tag = os.Args[2]
	}
	ln, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listener_http: FileListener:", err)
		os.Exit(1)
	}
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) {
		// A known length and a flush: the whole answer is on the wire before
		// the program exits.
		w.Header().Set("Content-Length", "4")
		fmt.Fprint(w, "bye\n")
		w.(http.Flusher).Flush()
		close(done)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from the guest: %s\n%s %s\n", r.URL.Path, r.Method, tag)
	})
	go func() {
		err := http.Serve(ln, mux)
		fmt.Fprintln(os.Stderr, "listener_http: Serve:", err)
		os.Exit(1)
	}()
	<-done
	os.Exit(7)
}
