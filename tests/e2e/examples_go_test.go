package e2e

// The Go SDK's examples (examples/go), built by CMake into
// $EXAMPLES/go/NAME.wasm, each run under `wasinet run` with the narrowest
// network grants, against a native peer on loopback.

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// example returns the path of a built Go example.
func example(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("EXAMPLES")
	if dir == "" {
		t.Skip("$EXAMPLES is not set: run through ctest, or set it to BUILD/examples")
	}
	p := filepath.Join(dir, "go", name+".wasm")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("example %s not built (is Go installed? see the configure warnings): %v", name, err)
	}
	return p
}

// listeningOn waits for an example's "listening on ADDR" line.
func listeningOn(g *guestProc) string {
	g.t.Helper()
	return strings.TrimPrefix(g.waitLine("listening on ", guestStartTimeout), "listening on ")
}

// httpserver: http.Serve on wasinet.Listen, answering a native client; the
// handler sees the client's true address, and a 1 MiB body echoes intact.
func TestExampleHTTPServer(t *testing.T) { checkHTTPServerExample(t, example(t, "httpserver")) }

// checkHTTPServerExample runs the httpserver example built as w.
func checkHTTPServerExample(t *testing.T, w string) {
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w, "-addr", "127.0.0.1:0")
	base := listeningOn(g)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("listening on %q", base)
	}
	client := &http.Client{Timeout: peerTimeout}
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatalf("GET /: %v\n%s", err, g.output())
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(body), "You are 127.0.0.1:") {
		t.Fatalf("GET /: %v %d %q", err, resp.StatusCode, body)
	}
	data := pattern(1 << 20)
	resp, err = client.Post(base+"/echo", "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST /echo: %v\n%s", err, g.output())
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || sum(got) != sum(data) {
		t.Fatalf("POST /echo: %v, %d bytes back of %d", err, len(got), len(data))
	}
}

// httpserver on the socket of `wasinet run --listen` (its only grant),
// found with wasinet.Listeners: the address it prints is the one the host
// bound, and the handler sees the client's true address (issue 15: with
// net.FileListener both were ":0").
func TestExampleHTTPServerOnListenSocket(t *testing.T) {
	w := example(t, "httpserver")
	g := startGuest(t, opts{}, "run", "--listen", "tcp://127.0.0.1:0", w)
	url, _ := g.hostListening()
	base := listeningOn(g)
	if want := "http://" + strings.TrimPrefix(url, "tcp://"); base != want {
		t.Fatalf("listening on %q, want %q", base, want)
	}
	c := dialNative(t, "tcp4", strings.TrimPrefix(base, "http://"))
	if _, err := io.WriteString(c, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(c)
	if want := "You are " + c.LocalAddr().String() + ".\n"; err != nil || !strings.HasSuffix(string(reply), want) {
		t.Fatalf("GET /: %v %q, want it to end with %q\n%s", err, reply, want, g.output())
	}
}

// httpclient: plain http.Get after importing autohijack, to a native
// server, by IP and by name (resolved by the host); refused without a
// grant.
func TestExampleHTTPClient(t *testing.T) {
	w := example(t, "httpclient")
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(rw, "native says hi to %s", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	r := run(t, opts{}, "run", "--allow-net=loopback", w, srv.URL+"/by-ip")
	expectCode(t, r, 0)
	expectStdout(t, r, "native says hi to /by-ip")

	r = run(t, opts{}, "run", "--allow-net=loopback", "--allow-dns", w, "http://localhost:"+port+"/by-name")
	expectCode(t, r, 0)
	expectStdout(t, r, "native says hi to /by-name")

	r = run(t, opts{}, "run", w, srv.URL+"/denied")
	if r.code == 0 || r.stdout != "" {
		t.Errorf("without --allow-net the request went through\n%s", r)
	}
}

// tcpecho as a server for a native client (1 MiB both ways), and as a
// client of a native echo server.
func TestExampleTCPEcho(t *testing.T) {
	w := example(t, "tcpecho")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w, "-listen", lb.anyPort)
			addr := listeningOn(g)
			if err := exchange(dialNative(t, lb.tcp, addr), pattern(1<<20)); err != nil {
				t.Fatalf("echo through the guest: %v\n%s", err, g.output())
			}

			l := listenNative(t, lb.tcp, lb.anyPort)
			serveOne(t, l, func(c net.Conn) {
				io.Copy(c, c)
				closeWrite(c)
			})
			r := run(t, opts{}, "run", "--allow-net=loopback", w, "-connect", l.Addr().String(), "hello", "tcp")
			expectCode(t, r, 0)
			expectStdout(t, r, "hello tcp\n")
		})
	}
}

// udpecho as a server: datagrams come back from the address the guest
// reported; as a client of a native echo server.
func TestExampleUDPEcho(t *testing.T) {
	w := example(t, "udpecho")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", "--allow-net=loopback", w,
				"-listen", lb.anyPort)
			addr := listeningOn(g)
			raddr, err := net.ResolveUDPAddr(lb.udp, addr)
			if err != nil {
				t.Fatal(err)
			}
			c, err := net.ListenUDP(lb.udp, &net.UDPAddr{IP: net.ParseIP(lb.host)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(peerTimeout))
			buf := make([]byte, 2048)
			for i := 0; i < 20; i++ {
				msg := []byte(fmt.Sprintf("datagram %d", i))
				if _, err := c.WriteToUDP(msg, raddr); err != nil {
					t.Fatal(err)
				}
				n, from, err := c.ReadFromUDP(buf)
				if err != nil {
					t.Fatalf("datagram %d: %v\n%s", i, err, g.output())
				}
				if string(buf[:n]) != string(msg) || from.String() != raddr.String() {
					t.Fatalf("datagram %d: %q from %s, want %q from %s", i, buf[:n], from, msg, raddr)
				}
			}

			peer, err := net.ListenUDP(lb.udp, &net.UDPAddr{IP: net.ParseIP(lb.host)})
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			go func() {
				b := make([]byte, 2048)
				peer.SetDeadline(time.Now().Add(peerTimeout))
				if n, from, err := peer.ReadFromUDP(b); err == nil {
					peer.WriteToUDP(b[:n], from)
				}
			}()
			r := run(t, opts{}, "run", "--allow-net=loopback", w, "-connect", peer.LocalAddr().String(), "hello", "udp")
			expectCode(t, r, 0)
			expectStdout(t, r, "hello udp\n")
		})
	}
}

// unixsocket: the guest's /run/echo.sock is the host's DIR/echo.sock.
func TestExampleUnixSocket(t *testing.T) { checkUnixSocketExample(t, example(t, "unixsocket")) }

// checkUnixSocketExample runs the unixsocket example built as w.
func checkUnixSocketExample(t *testing.T, w string) {
	dir := t.TempDir()
	grant := []string{"run", "--dir", dir + "::/run", "--allow-unix=" + dir, w}
	g := startGuest(t, opts{}, append(grant, "-listen", "/run/echo.sock")...)
	if addr := listeningOn(g); addr != "/run/echo.sock" {
		t.Errorf("listening on %q, want the guest path /run/echo.sock", addr)
	}
	if err := exchange(dialNative(t, "unix", filepath.Join(dir, "echo.sock")), pattern(1<<20)); err != nil {
		t.Fatalf("echo through the guest: %v\n%s", err, g.output())
	}

	l := listenNative(t, "unix", filepath.Join(dir, "peer.sock"))
	serveOne(t, l, func(c net.Conn) {
		io.Copy(c, c)
		closeWrite(c)
	})
	r := run(t, opts{}, append(grant, "-connect", "/run/peer.sock", "hello", "unix")...)
	expectCode(t, r, 0)
	expectStdout(t, r, "hello unix\n")
}

// wordfreq: a plain Go program on the files of examples/data, mapped
// read-only as the README shows, writing its table into a second --dir;
// nothing but its own lines on stdout.
func TestExampleWordfreq(t *testing.T) {
	w := example(t, "wordfreq")
	out := t.TempDir()
	r := run(t, opts{}, "run", "--dir", repoPath(t, "examples/data")+"::/data:ro", "--dir", out+"::/out",
		w, "/data", "/out/words.txt")
	expectCode(t, r, 0)
	expectStdout(t, r, "2 files, 40 distinct words; top 5:\n"+
		"  the          9\n  it           7\n  a            4\n  may          4\n  program      4\n"+
		"full table written to /out/words.txt\n")
	table, err := os.ReadFile(filepath.Join(out, "words.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(table), "\n"), "\n")
	if len(lines) != 40 || lines[0] != "9 the" {
		t.Errorf("words.txt: %d lines starting %q, want 40 starting \"9 the\"", len(lines), lines[0])
	}
	// /data is read-only: the table cannot go there.
	r = run(t, opts{}, "run", "--dir", repoPath(t, "examples/data")+"::/data:ro", w, "/data", "/data/words.txt")
	expectCode(t, r, 1)
	if _, err := os.Stat(repoPath(t, "examples/data/words.txt")); err == nil {
		t.Errorf("wordfreq wrote into the read-only examples/data")
		os.Remove(repoPath(t, "examples/data/words.txt"))
	}
}

// plainhttp imports nothing of wasinet's; CMake builds it with `wasinet go
// build`. It serves a native client and, through http.Get, fetches from a
// native server by name (resolved by the host).
func TestExamplePlainHTTP(t *testing.T) {
	w := example(t, "plainhttp")
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprint(rw, "native peer here")
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", "--allow-net=localhost:"+port, w, "-addr", "127.0.0.1:0")
	base := listeningOn(g)
	if body := curl(t, nil, base+"/"); !strings.HasPrefix(body, "Hello from plain net/http on wasip1! You are 127.0.0.1:") {
		t.Fatalf("GET /: %q", body)
	}
	target := "http://localhost:" + port + "/"
	want := target + " answered 200 OK with 16 bytes: \"native peer here\"\n"
	if body := curl(t, nil, base+"/fetch?url="+target); body != want {
		t.Fatalf("GET /fetch: %q, want %q\n%s", body, want, g.output())
	}
}
