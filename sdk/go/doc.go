// Package wasinet gives Go programs built with GOOS=wasip1 GOARCH=wasm real
// network sockets through the host's wasinet_v0 module (the wasinet
// runtime: `wasinet run`): TCP over IPv4 and IPv6, UDP, unix stream and
// datagram sockets, listening, and name lookups by the host's resolver,
// all under the host's network policy.
//
// Go's own net.Dial and net.Listen cannot reach the host on wasip1 (they
// are an in-process fake network), so a program dials and listens with
// this package, and hands its Dialer to libraries that take a dial
// function:
//
//	conn, err := wasinet.Dial("tcp", "example.com:80")
//	ln, err := wasinet.Listen(ctx, "tcp", "127.0.0.1:8080")
//	http.Serve(ln, handler)
//	transport.DialContext = (&wasinet.Dialer{Timeout: 5 * time.Second}).DialContext
//
// A server given its socket by the host (`wasinet run --listen URL`) finds
// it with Listeners, which, unlike net.FileListener on wasip1, reports the
// true addresses:
//
//	lns, err := wasinet.Listeners()
//	http.Serve(lns[0], handler)
//
// Importing wasinet.dev/wasinet/autohijack for its side effect makes
// net.DefaultResolver, http.DefaultTransport and http.DefaultClient use the
// host (see Hijack).
//
// Sockets are ordinary pollable descriptors handed to Go's netpoller: a
// goroutine waiting to read, write, accept or connect sleeps in the host's
// poll_oneoff, so an idle program uses no CPU, and deadlines
// (SetDeadline, SetReadDeadline, SetWriteDeadline) and context
// cancellation work as in package net, timing out with errors for which
// os.IsTimeout is true. Errors are *net.OpError values wrapping the
// host's errno as a syscall.Errno (errors.Is(err, syscall.ECONNREFUSED)).
//
// Outside wasip1 the same functions call package net, so programs and
// their tests build and run natively too.
package wasinet
