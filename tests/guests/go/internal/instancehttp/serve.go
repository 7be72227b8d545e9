// Package instancehttp is the server of the instance_http guests: an
// ordinary Go HTTP server on the first listener the host opened
// (WASINET_LISTEN_FDS, `wasinet run --listen`), through net.FileListener
// and nothing of wasinet's, that says which instance and version answered.
//
//	GET /who            "instance=I instances=N version=V"
//	GET /spin?ms=N      computes for N ms (keeps this instance off accept)
//	GET /slow?ms=N      sleeps N ms, then "slow done"
//	GET /exit?code=N    answers "bye", then the program exits with N
package instancehttp

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Serve runs the server; version names the build in /who's answer.
func Serve(version string) {
	first, _, _ := strings.Cut(os.Getenv("WASINET_LISTEN_FDS"), ",")
	fd, err := strconv.Atoi(first)
	if err != nil {
		fmt.Fprintf(os.Stderr, "instance_http: no listener in WASINET_LISTEN_FDS=%q\n", os.Getenv("WASINET_LISTEN_FDS"))
		os.Exit(2)
	}
	ln, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "instance_http: FileListener:", err)
		os.Exit(1)
	}
	who := fmt.Sprintf("instance=%s instances=%s version=%s\n",
		os.Getenv("WASINET_INSTANCE"), os.Getenv("WASINET_INSTANCES"), version)
	exit := make(chan int, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/who", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, who)
	})
	mux.HandleFunc("/spin", func(w http.ResponseWriter, r *http.Request) {
		end := time.Now().Add(duration(r))
		n := 0
		for time.Now().Before(end) {
			n++
		}
		fmt.Fprint(w, who)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(duration(r))
		fmt.Fprint(w, "slow done\n")
	})
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		// A known length and a flush: the whole answer is on the wire before
		// the program exits.
		w.Header().Set("Content-Length", "4")
		fmt.Fprint(w, "bye\n")
		w.(http.Flusher).Flush()
		exit <- code
	})
	go func() {
		err := http.Serve(ln, mux)
		fmt.Fprintln(os.Stderr, "instance_http: Serve:", err)
		os.Exit(1)
	}()
	os.Exit(<-exit)
}

func duration(r *http.Request) time.Duration {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	return time.Duration(ms) * time.Millisecond
}
