// compute_http is the compute-only figure: the work of an HTTP hello
// server without sockets. Each iteration parses a canned request with
// net/http (http.ReadRequest) and writes a complete response (status line,
// headers, "hello" body) into a buffer, as net/http's server would. It
// measures itself, so the figure is the engine's speed on server code, free
// of host calls: the same binary runs natively, under `wasinet run` and
// under node's V8 (bench/node/run_wasi.mjs).
//
//	compute_http [-warmup D] [-duration D]
//
// prints "requests N seconds S req/s R" for the measured period.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// A request as wrk and browsers send it: a few headers to parse.
const request = "GET /hello?who=bench HTTP/1.1\r\n" +
	"Host: 127.0.0.1:8080\r\n" +
	"User-Agent: compute_http/1.0\r\n" +
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
	"Accept-Encoding: gzip, deflate\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

var hello = []byte("hello")

func main() {
	warmup := flag.Duration("warmup", time.Second, "run this long before measuring (JIT tiers, GC settle)")
	duration := flag.Duration("duration", 3*time.Second, "measure for this long")
	flag.Parse()

	s := newServer()
	s.runFor(*warmup)
	start := time.Now()
	n := s.runFor(*duration)
	secs := time.Since(start).Seconds()
	if s.out.Len() == 0 || !bytes.HasSuffix(s.out.Bytes(), hello) {
		fmt.Fprintf(os.Stderr, "compute_http: wrong response %q\n", s.out.String())
		os.Exit(1)
	}
	fmt.Printf("requests %d seconds %.3f req/s %.0f\n", n, secs, float64(n)/secs)
}

type server struct {
	src *strings.Reader
	br  *bufio.Reader
	out bytes.Buffer
}

func newServer() *server {
	src := strings.NewReader(request)
	return &server{src: src, br: bufio.NewReader(src)}
}

// runFor answers requests until d has passed and returns how many. The
// clock is read every 256 requests, so reading it costs nothing measurable.
func (s *server) runFor(d time.Duration) int {
	deadline := time.Now().Add(d)
	n := 0
	for {
		for i := 0; i < 256; i++ {
			s.serveOne()
		}
		n += 256
		if !time.Now().Before(deadline) {
			return n
		}
	}
}

func (s *server) serveOne() {
	s.src.Reset(request)
	s.br.Reset(s.src)
	req, err := http.ReadRequest(s.br)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compute_http: parse:", err)
		os.Exit(1)
	}
	if req.URL.Query().Get("who") == "" {
		fmt.Fprintln(os.Stderr, "compute_http: query not parsed")
		os.Exit(1)
	}
	resp := http.Response{
		StatusCode:    http.StatusOK,
		ProtoMajor:    1,
		ProtoMinor:    1,
		Request:       req,
		ContentLength: int64(len(hello)),
		Header: http.Header{
			"Content-Type": {"text/plain"},
			"Date":         {time.Now().UTC().Format(http.TimeFormat)},
		},
		Body: io.NopCloser(bytes.NewReader(hello)),
	}
	s.out.Reset()
	if err := resp.Write(&s.out); err != nil {
		fmt.Fprintln(os.Stderr, "compute_http: write:", err)
		os.Exit(1)
	}
	req.Body.Close()
}
