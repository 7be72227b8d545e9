package e2e

// The C SDK's examples (examples/c) under `wasinet run` with the narrowest
// grants, against native peers on loopback.

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tcp_echo_server echoes 1 MiB to a native client, byte for byte, over
// IPv4 and IPv6.
func TestCSDKTCPEchoServer1MiB(t *testing.T) {
	w := csdkExample(t, "tcp_echo_server")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w, lb.host, "0", "1")
			addr := strings.TrimPrefix(g.waitLine("listening ", guestStartTimeout), "listening ")
			c := dialNative(t, lb.tcp, addr)
			if err := exchange(c, pattern(1<<20)); err != nil {
				t.Fatalf("echo: %v\n%s", err, g.output())
			}
			r := g.wait(peerTimeout)
			expectCode(t, r, 0)
			if !strings.Contains(r.stdout, "served 1\n") {
				t.Errorf("no \"served 1\"\n%s", r)
			}
		})
	}
}

// One guest thread serves 50 clients at once with poll(): all 50 connect
// first, then each sends its own 64 KiB while reading its echo.
func TestCSDKPoll50Clients(t *testing.T) {
	const clients = 50
	w := csdkExample(t, "tcp_echo_server")
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w, "127.0.0.1", "0", fmt.Sprint(clients))
	addr := strings.TrimPrefix(g.waitLine("listening ", guestStartTimeout), "listening ")
	conns := make([]net.Conn, clients)
	for i := range conns {
		conns[i] = dialNative(t, "tcp4", addr)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c net.Conn) {
			defer wg.Done()
			data := pattern(64<<10 + i)[i:] // a different stream per client
			if err := exchange(c, data); err != nil {
				errs <- fmt.Errorf("client %d: %v", i, err)
			}
		}(i, c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.Fatalf("guest:\n%s", g.output())
	}
	r := g.wait(peerTimeout)
	expectCode(t, r, 0)
	if !strings.Contains(r.stdout, fmt.Sprintf("served %d\n", clients)) {
		t.Errorf("the guest did not serve %d clients\n%s", clients, r)
	}
}

// The C++ example: getaddrinfo, a non-blocking connect awaited in poll(),
// and 1 MiB through a native echo server, checked by both sides.
func TestCSDKCxxEchoClient(t *testing.T) {
	w := csdkExample(t, "cxx_echo_client")
	data := pattern(1 << 20)
	want := fmt.Sprintf("echoed %d bytes fnv1a64 %s\n", len(data), fnv1a64(data))
	cases := []struct {
		name, network, host string
		grants              []string
	}{
		{"ipv4", "tcp4", "127.0.0.1", []string{"--allow-net=loopback"}},
		{"ipv6", "tcp6", "::1", []string{"--allow-net=loopback"}},
		{"localhost", "tcp4", "localhost", []string{"--allow-net=loopback", "--allow-dns"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := c.host
			if host == "localhost" {
				host = "127.0.0.1"
			}
			l := listenNative(t, c.network, net.JoinHostPort(host, "0"))
			got := make(chan []byte, 1)
			serveOne(t, l, func(conn net.Conn) {
				// Echo as it arrives, then end the stream when the client does.
				var seen []byte
				buf := make([]byte, 32<<10)
				for {
					n, err := conn.Read(buf)
					seen = append(seen, buf[:n]...)
					if n > 0 {
						if _, werr := conn.Write(buf[:n]); werr != nil {
							break
						}
					}
					if err != nil {
						break
					}
				}
				closeWrite(conn)
				got <- seen
			})
			_, port, _ := net.SplitHostPort(l.Addr().String())
			args := append(append([]string{"run"}, c.grants...), w, c.host, port, fmt.Sprint(len(data)))
			r := run(t, opts{}, args...)
			expectCode(t, r, 0)
			expectStdout(t, r, want)
			select {
			case seen := <-got:
				if sum(seen) != sum(data) {
					t.Errorf("the server received %d bytes that differ from what was sent", len(seen))
				}
			case <-time.After(peerTimeout):
				t.Errorf("the native server never finished")
			}
		})
	}
}

// http_get fetches 100 times in a row from a native net/http server over
// one keep-alive connection, bodies alternately with Content-Length and
// chunked; one more run fetches by name and prints the body.
func TestCSDKHTTPGet100(t *testing.T) {
	w := csdkExample(t, "http_get")
	payload := []byte(strings.Repeat("wasinet C SDK over real loopback\n", 2000)) // 66 KB
	var requests, conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if n%2 == 0 {
			rw.Header().Set("Content-Length", fmt.Sprint(len(payload)))
			rw.Write(payload)
			return
		}
		// No length, flushed in two parts: chunked.
		rw.Write(payload[:1000])
		rw.(http.Flusher).Flush()
		rw.Write(payload[1000:])
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	r := run(t, opts{}, "run", "--allow-net=loopback", w, "-n", "100", srv.URL+"/data")
	expectCode(t, r, 0)
	want := fmt.Sprintf("200 %d %s", len(payload), fnv1a64(payload))
	got := lines(r.stdout)
	if len(got) != 100 {
		t.Fatalf("%d lines, want 100\n%s", len(got), r)
	}
	for i, l := range got {
		if l != want {
			t.Fatalf("fetch %d: %q, want %q\n%s", i+1, l, want, r)
		}
	}
	if n := requests.Load(); n != 100 {
		t.Errorf("the server saw %d requests, want 100", n)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 100 keep-alive fetches, want 1", n)
	}

	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	r = run(t, opts{}, "run", "--allow-net=loopback", "--allow-dns", w, "http://localhost:"+port+"/")
	expectCode(t, r, 0)
	if r.stdout != string(payload) {
		t.Errorf("body by name: %d bytes, want %d\n%s", len(r.stdout), len(payload), r.stderr)
	}
}

// udp_echo answers 1000 datagrams of 1 to 1400 bytes from a native peer,
// each with its own content, over IPv4 and IPv6.
func TestCSDKUDPEcho1000(t *testing.T) {
	const count = 1000
	w := csdkExample(t, "udp_echo")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", "--allow-net=loopback", w,
				lb.host, "0", fmt.Sprint(count))
			addr := strings.TrimPrefix(g.waitLine("listening ", guestStartTimeout), "listening ")
			c, err := net.Dial(lb.udp, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			buf := make([]byte, 2048)
			for i := 0; i < count; i++ {
				msg := []byte(fmt.Sprintf("%d:", i))
				msg = append(msg, pattern(1+i*7%1400)...)
				if _, err := c.Write(msg); err != nil {
					t.Fatal(err)
				}
				c.SetReadDeadline(time.Now().Add(peerTimeout))
				n, err := c.Read(buf)
				if err != nil {
					t.Fatalf("datagram %d: %v\n%s", i, err, g.output())
				}
				if string(buf[:n]) != string(msg) {
					t.Fatalf("datagram %d: got %d bytes, sent %d", i, n, len(msg))
				}
			}
			r := g.wait(peerTimeout)
			expectCode(t, r, 0)
			if !strings.Contains(r.stdout, fmt.Sprintf("echoed %d\n", count)) {
				t.Errorf("no \"echoed %d\"\n%s", count, r)
			}
		})
	}
}

// Without --allow-listen the example's bind is refused with EACCES, and
// the program says so.
func TestCSDKDeniedByDefault(t *testing.T) {
	w := csdkExample(t, "tcp_echo_server")
	r := run(t, opts{}, "run", w, "127.0.0.1", "0", "1")
	expectCode(t, r, 1)
	if !strings.Contains(r.stderr, "tcp_echo_server: socket: Permission denied") &&
		!strings.Contains(r.stderr, "tcp_echo_server: bind: Permission denied") {
		t.Errorf("no EACCES from the SDK\n%s", r)
	}
}
