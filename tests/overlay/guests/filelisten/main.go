// filelisten serves HTTP on a listening socket it was handed (`wasinet run
// --listen URL`): net.FileListener on the fd that $WASINET_LISTEN_FDS
// names, or fd 3. It prints the listener's type and address; GET /close
// closes the listener, and it exits.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	fd := 3
	if v := os.Getenv("WASINET_LISTEN_FDS"); v != "" {
		n, err := strconv.Atoi(strings.Split(v, ",")[0])
		if err != nil {
			log.Fatalf("WASINET_LISTEN_FDS=%q: %v", v, err)
		}
		fd = n
	}
	l, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listener %T %s %s\n", l, l.Addr().Network(), l.Addr())
	// GET /close closes the listener: Serve then returns, and so do we.
	closed := make(chan error, 1)
	err = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := fmt.Sprintf("served on %s for %s\n", l.Addr(), r.RemoteAddr)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		fmt.Fprint(w, body)
		if r.URL.Path == "/close" {
			// The whole answer out first: we exit once Serve returns.
			w.(http.Flusher).Flush()
			closed <- l.Close()
		}
	}))
	fmt.Printf("close: %v\nserve: %v\n", <-closed, err)
}
