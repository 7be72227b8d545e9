// v0_http: net/http over wasinet_v0 as programs built with the existing Go
// guest library run it (package internal/v0guest).
//
//	v0_http server ADDR   http.Serve on a wasinet_v0 listener; prints
//	                      "listening A". GET /hello answers "hello from the
//	                      guest"; POST /echo answers the body's length and
//	                      SHA-256 ("N HEX"). Runs until killed.
//	v0_http client URL    GET URL twice with a Transport whose DialContext
//	                      is the wasinet_v0 dialer; per request prints
//	                      "status N len L sha S body TEXT" (TEXT cut at 64
//	                      bytes, S the body's SHA-256)
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"wasinet.test/guests/internal/v0guest"
	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_http server ADDR | client URL"

func main() {
	echo.Main(usage, map[string]echo.Mode{
		"server": {Args: 1, Run: func(a []string) { server(a[0]) }},
		"client": {Args: 1, Run: func(a []string) { client(a[0]) }},
	})
}

func server(addr string) {
	l := echo.Listen("tcp", addr)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from the guest\n")
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d %s", n, hex.EncodeToString(h.Sum(nil)))
	})
	echo.Fail("serve: %v", http.Serve(l, mux))
}

func client(url string) {
	hc := &http.Client{
		Transport: &http.Transport{DialContext: (&v0guest.Dialer{Timeout: 5 * time.Second}).DialContext},
		Timeout:   20 * time.Second,
	}
	for i := 0; i < 2; i++ {
		resp, err := hc.Get(url)
		if err != nil {
			echo.Fail("get %s: %v", url, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			echo.Fail("read body: %v", err)
		}
		text := body
		if len(text) > 64 {
			text = text[:64]
		}
		fmt.Printf("status %d len %d sha %s body %s\n", resp.StatusCode, len(body), echo.Sum(body), text)
	}
}
