// sdk_http: plain net/http code made to work by one side-effect import of
// the SDK's autohijack (http.DefaultTransport, http.DefaultClient and
// net.DefaultResolver go through wasinet), against native peers.
//
//	sdk_http get URL        prints "ssl_cert_file=$SSL_CERT_FILE", then
//	                        http.Get: "status S body B", or the error and
//	                        whether it is a certificate error
//	sdk_http serve ADDR     http.Serve on wasinet.Listen; prints
//	                        "listening A"; GET /hello, POST /echo, GET /dial?addr=A
//	                        (dials A, answers "dialed" or the error), GET /exit
//	                        (then it prints "served N" and exits 0)
//	sdk_http resolve NAME   net.DefaultResolver.LookupHost and net.LookupIP
package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"wasinet.dev/wasinet"
	_ "wasinet.dev/wasinet/autohijack"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

func main() {
	guestlib.Main("sdk_http get URL | serve ADDR | resolve NAME", map[string]guestlib.Mode{
		"get":     {Args: 1, Run: func(a []string) { get(a[0]) }},
		"serve":   {Args: 1, Run: func(a []string) { serve(a[0]) }},
		"resolve": {Args: 1, Run: func(a []string) { resolve(a[0]) }},
	})
}

func get(url string) {
	// crypto/x509 on wasip1 knows no default paths: this is where the
	// roots come from, if from anywhere.
	fmt.Printf("ssl_cert_file=%s\n", os.Getenv("SSL_CERT_FILE"))
	resp, err := http.Get(url)
	if err != nil {
		var verr *tls.CertificateVerificationError
		var unknown x509.UnknownAuthorityError
		var noRoots x509.SystemRootsError
		fmt.Printf("error cert=%t unknown_authority=%t no_roots=%t: %v\n",
			errors.As(err, &verr), errors.As(err, &unknown), errors.As(err, &noRoots), err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		guestlib.Fail("read the body: %v", err)
	}
	fmt.Printf("status %d body %q\n", resp.StatusCode, body)
}

func serve(addr string) {
	l, err := wasinet.Listen(context.Background(), "tcp", addr)
	if err != nil {
		guestlib.Fail("listen %s: %v", addr, err)
	}
	var served atomic.Int64
	exit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		fmt.Fprintf(w, "hello c=%s r=%s\n", r.URL.Query().Get("c"), r.URL.Query().Get("r"))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d %s\n", n, hex.EncodeToString(h.Sum(nil)))
	})
	mux.HandleFunc("GET /dial", func(w http.ResponseWriter, r *http.Request) {
		// A dial the host decides (EACCES without a grant): says what it got.
		c, err := wasinet.Dial("tcp", r.URL.Query().Get("addr"))
		if err != nil {
			fmt.Fprintf(w, "dial error: %v\n", err)
			return
		}
		c.Close()
		fmt.Fprintln(w, "dialed")
	})
	mux.HandleFunc("GET /exit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		close(exit)
	})
	srv := &http.Server{Handler: mux}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	fmt.Printf("listening %s\n", l.Addr())
	select {
	case <-exit:
	case err := <-done:
		guestlib.Fail("serve: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		guestlib.Fail("shutdown: %v", err)
	}
	fmt.Printf("served %d\n", served.Load())
}

func resolve(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, name)
	guestlib.PrintLookup("addrs", addrs, err)
	ips, err := net.LookupIP(name)
	var s []string
	for _, ip := range ips {
		s = append(s, ip.String())
	}
	guestlib.PrintLookup("ips", s, err)
}
