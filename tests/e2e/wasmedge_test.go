package e2e

// Programs built for WasmEdge's socket extension run unchanged: guests
// written here against the ABI (wasmedge_go: the second version's
// signatures from Go; wasmedge_c: the first version's from C), and an
// ordinary Go HTTP program on the real dispatchrun/net library
// (wasmedge_dispatchrun), each against native peers on loopback.

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Loopback grants for a guest that dials and binds on loopback.
var wasmedgeGrants = []string{"--allow-net=loopback", "--allow-listen=loopback"}

func wasmedgeRun(t *testing.T, lang, name string, grants []string, args ...string) result {
	t.Helper()
	full := append(append([]string{"run"}, grants...), guest(t, lang, name))
	return run(t, opts{}, append(full, args...)...)
}

// A native echo peer that upper-cases what it reads to EOF.
func upperPeer(t *testing.T, network, addr string) net.Listener {
	l := listenNative(t, network, addr)
	serveOne(t, l, func(c net.Conn) {
		defer c.Close()
		b, _ := io.ReadAll(c)
		c.Write([]byte(strings.ToUpper(string(b))))
	})
	return l
}

func TestWasmEdgeTCPClient(t *testing.T) {
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			l := upperPeer(t, lb.tcp, lb.anyPort)
			r := wasmedgeRun(t, "go", "wasmedge_go", wasmedgeGrants, "client", l.Addr().String())
			expectCode(t, r, 0)
			out := lines(r.stdout)
			if len(out) != 2 || !strings.HasSuffix(out[0], " remote="+l.Addr().String()) ||
				out[1] != "reply HELLO FROM WASMEDGE" {
				t.Fatalf("unexpected output\n%s", r)
			}
			local := strings.TrimPrefix(strings.Fields(out[0])[0], "local=")
			if host, _, _ := net.SplitHostPort(local); host != lb.host {
				t.Errorf("local address %s is not on %s", local, lb.host)
			}
		})
	}
}

// The Go guest (preview1's three-parameter sock_accept) and the C guest
// (the first version's two-parameter one) serve a native client.
func TestWasmEdgeTCPServer(t *testing.T) {
	for _, lb := range loopbacks {
		t.Run("go/"+lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", guest(t, "go", "wasmedge_go"), "server", lb.anyPort)
			addr := g.listening()
			c := dialNative(t, lb.tcp, addr)
			if err := exchange(c, pattern(1<<20)); err != nil {
				t.Fatalf("%v\n%s", err, g.output())
			}
			if peer := strings.TrimPrefix(g.waitLine("peer ", peerTimeout), "peer "); peer != c.LocalAddr().String() {
				t.Errorf("guest saw peer %s, native side is %s", peer, c.LocalAddr())
			}
			expectCode(t, g.wait(peerTimeout), 0)
		})
		t.Run("c/"+lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", guest(t, "c", "wasmedge_c"), "server", lb.host)
			line := g.listening() // "HOST:PORT type=T"
			hostPort := strings.Fields(line)[0]
			i := strings.LastIndex(hostPort, ":")
			addr := net.JoinHostPort(hostPort[:i], hostPort[i+1:])
			wantType := map[string]string{"ipv4": "type=4", "ipv6": "type=6"}[lb.name]
			if !strings.HasSuffix(line, wantType) {
				t.Errorf("listening line %q: want %s (the first version's address type)", line, wantType)
			}
			c := dialNative(t, lb.tcp, addr)
			if _, err := c.Write([]byte("shout")); err != nil {
				t.Fatal(err)
			}
			closeWrite(c)
			got, err := io.ReadAll(c)
			if err != nil || string(got) != "SHOUT" {
				t.Fatalf("got %q, %v\n%s", got, err, g.output())
			}
			expectCode(t, g.wait(peerTimeout), 0)
		})
	}
}

// A native UDP echo peer: one datagram back to its sender.
func udpEchoPeer(t *testing.T, network, addr, reply string) net.PacketConn {
	pc, err := net.ListenPacket(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		pc.SetDeadline(time.Now().Add(peerTimeout))
		if _, from, err := pc.ReadFrom(buf); err == nil {
			pc.WriteTo([]byte(reply), from)
		}
	}()
	return pc
}

func TestWasmEdgeUDP(t *testing.T) {
	for _, lb := range loopbacks {
		t.Run("go-client/"+lb.name, func(t *testing.T) {
			pc := udpEchoPeer(t, lb.udp, lb.anyPort, "pong")
			r := wasmedgeRun(t, "go", "wasmedge_go", wasmedgeGrants, "udp", pc.LocalAddr().String())
			expectCode(t, r, 0)
			want := "reply from " + pc.LocalAddr().String() + " pong"
			if out := lines(r.stdout); len(out) != 2 || out[1] != want {
				t.Fatalf("want %q\n%s", want, r)
			}
		})
		t.Run("c-client/"+lb.name, func(t *testing.T) {
			pc := udpEchoPeer(t, lb.udp, lb.anyPort, "pong")
			_, port, _ := net.SplitHostPort(pc.LocalAddr().String())
			r := wasmedgeRun(t, "c", "wasmedge_c", wasmedgeGrants, "udp", lb.host, port)
			expectCode(t, r, 0)
			out := lines(r.stdout)
			if len(out) != 2 || out[0] != "reply from "+lb.host+" pong" ||
				!strings.HasPrefix(out[1], "v2 local "+lb.host+":") {
				t.Fatalf("unexpected output\n%s", r)
			}
		})
		t.Run("go-server/"+lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", "--allow-net=loopback",
				guest(t, "go", "wasmedge_go"), "udpserver", lb.anyPort)
			addr := g.listening()
			c, err := net.Dial(lb.udp, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(peerTimeout))
			c.Write([]byte("datagram"))
			buf := make([]byte, 64)
			n, err := c.Read(buf)
			if err != nil || string(buf[:n]) != "datagram" {
				t.Fatalf("echo %q, %v\n%s", buf[:n], err, g.output())
			}
			if from := g.waitLine("from ", peerTimeout); from != "from "+c.LocalAddr().String()+" n=8" {
				t.Errorf("guest reported %q, native side is %s", from, c.LocalAddr())
			}
			expectCode(t, g.wait(peerTimeout), 0)
		})
	}
}

// sock_getaddrinfo: localhost, a literal, a name from the hosts file the
// host's resolver reads, and no answer at all without a grant.
func TestWasmEdgeLookup(t *testing.T) {
	g := guest(t, "go", "wasmedge_go")
	r := run(t, opts{}, "run", "--allow-net=localhost", g, "lookup", "localhost", "8080", "1", "2")
	expectCode(t, r, 0)
	expectStdout(t, r, "127.0.0.1:8080 socktype=2\n")

	r = run(t, opts{}, "run", g, "lookup", "::1", "53", "0", "0")
	expectCode(t, r, 0)
	expectStdout(t, r, "[::1]:53 socktype=2\n[::1]:53 socktype=1\n")

	if name := hostsFileName(t); name != "" {
		r = run(t, opts{}, "run", "--allow-net="+name, g, "lookup", name, "80", "1", "1")
		expectCode(t, r, 0)
		if out := lines(r.stdout); len(out) == 0 || !strings.HasSuffix(out[0], ":80 socktype=1") {
			t.Errorf("lookup of %s (from /etc/hosts)\n%s", name, r)
		}
	}

	r = run(t, opts{}, "run", g, "lookup", "localhost", "80", "0", "2")
	expectCode(t, r, 0)
	expectStdout(t, r, "error 2\n") // EACCES: no grant, no lookup
	if !strings.Contains(r.stderr, "denied lookup of localhost") {
		t.Errorf("the refusal is not logged\n%s", r)
	}
	r = run(t, opts{}, "run", g, "lookup", "", "", "0", "0")
	expectStdout(t, r, "error 84\n") // WasmEdge's EAI_NONAME
}

// A name /etc/hosts gives an IPv4 address, other than localhost; "" if none.
func hostsFileName(t *testing.T) string {
	f, err := os.Open("/etc/hosts")
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(strings.SplitN(s.Text(), "#", 2)[0])
		if len(fields) < 2 || net.ParseIP(fields[0]).To4() == nil {
			continue
		}
		for _, name := range fields[1:] {
			if name != "localhost" && !strings.Contains(name, "localhost") {
				return name
			}
		}
	}
	return ""
}

func TestWasmEdgeRefusedAndDenied(t *testing.T) {
	g := guest(t, "go", "wasmedge_go")
	closed := closedPort(t, "tcp4", "127.0.0.1")
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "refused", closed)
	expectStdout(t, r, "connect error 14\n") // ECONNREFUSED
	// No grant: nothing is reached, and the denial is one line.
	l := upperPeer(t, "tcp4", "127.0.0.1:0")
	r = run(t, opts{}, "run", g, "client", l.Addr().String())
	expectCode(t, r, 1)
	if !strings.Contains(r.stderr, "denied connect to "+l.Addr().String()) {
		t.Errorf("no denial line\n%s", r)
	}
	// The C guest reads a failed non-blocking connect through SO_ERROR,
	// the value's size passed by pointer.
	r = run(t, opts{}, "run", "--allow-net=loopback", guest(t, "c", "wasmedge_c"), "error", "127.0.0.1",
		strings.Split(closed, ":")[1])
	expectCode(t, r, 0)
	expectStdout(t, r, "connect errno 26\nso_error 14 size 4\n") // EINPROGRESS, then ECONNREFUSED
}

// Non-blocking accept and receive with poll_oneoff in between.
func TestWasmEdgeNonblocking(t *testing.T) {
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", guest(t, "go", "wasmedge_go"), "nonblock")
	if line := g.waitLine("accept error ", guestStartTimeout); line != "accept error 6" {
		t.Errorf("accept on an idle non-blocking listener: %q, want EAGAIN (6)", line)
	}
	c := dialNative(t, "tcp4", g.listening())
	time.Sleep(100 * time.Millisecond) // the guest now waits to read
	c.Write([]byte("late bytes"))
	if got := g.waitLine("got ", peerTimeout); got != "got late bytes" {
		t.Errorf("%q", got)
	}
	expectCode(t, g.wait(peerTimeout), 0)
}

func TestWasmEdgeSocketOptions(t *testing.T) {
	r := wasmedgeRun(t, "go", "wasmedge_go", nil, "options")
	expectCode(t, r, 0)
	expectStdout(t, r, strings.Join([]string{
		"reuseaddr=1", "keepalive=1", "type=2", "error=0",
		"bindtodevice=error 50", // ENOPROTOOPT: never reaches the kernel
		"linger=1,5", "sndbuf positive=true", "udp type=1", ""}, "\n"))
}

// A unix stream socket through a preopened directory and --allow-unix.
func TestWasmEdgeUnix(t *testing.T) {
	work, tmp := unixDirs(t)
	upperPeer(t, "unix", filepath.Join(tmp, "peer.sock"))
	g := guest(t, "go", "wasmedge_go")
	r := run(t, opts{dir: work}, "run", "--dir", "tmp::/run", "--allow-unix="+tmp, g, "unix", "/run/peer.sock")
	expectCode(t, r, 0)
	expectStdout(t, r, "remote=/run/peer.sock\nreply HELLO FROM WASMEDGE\n")
	// Without the grant the path is not reached.
	r = run(t, opts{dir: work}, "run", "--dir", "tmp::/run", g, "unix", "/run/peer.sock")
	expectCode(t, r, 1)
}

// A module importing a WasmEdge call with a signature nobody defined is
// refused before it runs, in one line naming the import.
func TestWasmEdgeUnknownSignature(t *testing.T) {
	r := run(t, opts{}, "run", guest(t, "c", "wasmedge_badsig"))
	expectOneLineError(t, r, exitHostError, "sock_getlocaladdr", "signature")
}

// The real dispatchrun/net (github.com/stealthrocket/net) in an ordinary
// Go HTTP server and client.
func TestWasmEdgeDispatchrunHTTP(t *testing.T) {
	g := guest(t, "go", "wasmedge_dispatchrun")
	srv := startGuest(t, opts{}, "run", "--allow-listen=loopback", g, "serve", "127.0.0.1:0", "2")
	addr := srv.listening()
	client := &http.Client{Timeout: peerTimeout}
	resp, err := client.Get("http://" + addr + "/native")
	if err != nil {
		t.Fatalf("%v\n%s", err, srv.output())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello /native from dispatchrun/net" {
		t.Errorf("native GET: %q", body)
	}
	// Guest to guest, by name: localhost goes through sock_getaddrinfo.
	_, port, _ := net.SplitHostPort(addr)
	r := run(t, opts{}, "run", "--allow-net=localhost,loopback", g, "get", "http://localhost:"+port+"/guest")
	expectCode(t, r, 0)
	expectStdout(t, r, "status 200\nbody hello /guest from dispatchrun/net\n")
	expectCode(t, srv.wait(peerTimeout), 0)
}

func TestWasmEdgeDispatchrunUDP(t *testing.T) {
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			pc := udpEchoPeer(t, lb.udp, lb.anyPort, "pong")
			r := wasmedgeRun(t, "go", "wasmedge_dispatchrun", wasmedgeGrants, "udp", pc.LocalAddr().String())
			expectCode(t, r, 0)
			expectStdout(t, r, "reply from "+pc.LocalAddr().String()+" pong\n")
		})
	}
}

// dispatchrun/net's own test suite (golang.org/x/net/nettest's conformance
// tests for net.Conn and net.PacketConn over tcp, tcp4, tcp6, unix, udp,
// udp4, udp6 and unixgram), built here from the module proxy's copy and
// run under wasinet. It listens on every interface: the grant says so.
func TestWasmEdgeDispatchrunOwnTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	bin := filepath.Join(t.TempDir(), "wasip1_test.wasm")
	build := exec.Command("go", "test", "-c", "-tags", "getaddrinfo", "-o", bin, "github.com/stealthrocket/net/wasip1")
	build.Dir = "../guests/go" // the guests' module pins dispatchrun/net in go.sum
	build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building dispatchrun/net's tests: %v\n%s", err, out)
	}
	work, tmp := unixDirs(t)
	r := run(t, opts{dir: work}, "run", "--dir", "tmp::/tmp", "--allow-unix="+tmp,
		"--allow-net=loopback", "--allow-listen=0.0.0.0/0", "--allow-listen=::/0", bin,
		"-test.run", "^(TestConn|TestPacketConn)$", "-test.v")
	expectCode(t, r, 0)
	for _, want := range []string{"--- PASS: TestConn/tcp4 ", "--- PASS: TestConn/tcp6 ", "--- PASS: TestConn/unix ",
		"--- PASS: TestPacketConn/udp6 ", "--- PASS: TestPacketConn/unixgram "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q\n%s", want, r)
		}
	}
}

// A Rust guest on tokio_wasi and hyper_wasi (wasmedge_wasi_socket), built by
// Debian's rustc 1.63: it serves a native client, then fetches from a
// native server.
func TestWasmEdgeRustHyper(t *testing.T) {
	g := guest(t, "rust", "wasmedge_hyper")
	srv := startGuest(t, opts{}, "run", "--allow-listen=loopback", g, "serve", "127.0.0.1:0", "1")
	addr := srv.listening()
	// One request per connection: the guest serves one connection to its end.
	client := &http.Client{Timeout: peerTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/from-go")
	if err != nil {
		t.Fatalf("%v\n%s", err, srv.output())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello /from-go from hyper_wasi" {
		t.Errorf("GET: %q", body)
	}
	if line := srv.waitLine("served ", peerTimeout); line != "served 1" {
		t.Errorf("%q", line)
	}
	expectCode(t, srv.wait(peerTimeout), 0)

	native := listenNative(t, "tcp4", "127.0.0.1:0")
	go http.Serve(native, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "native answer to "+r.URL.Path)
	}))
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "get", "http://"+native.Addr().String()+"/rust")
	expectCode(t, r, 0)
	expectStdout(t, r, "status 200\nbody native answer to /rust\n")
}

// --max-conns counts WasmEdge's sockets as every other: the options mode
// opens two.
func TestWasmEdgeMaxConns(t *testing.T) {
	g := guest(t, "go", "wasmedge_go")
	r := run(t, opts{}, "run", "--max-conns=1", g, "options")
	expectCode(t, r, 1)
	if !strings.Contains(r.stderr, "sock_open udp: Too many open files") {
		t.Errorf("the second socket was not refused with EMFILE\n%s", r)
	}
	expectCode(t, run(t, opts{}, "run", "--max-conns=2", g, "options"), 0)
}
