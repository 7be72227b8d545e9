package e2e

// Preopened listeners (`wasinet run --listen URL`): the host opens the
// socket, the guest serves on it with no socket call of its own; a real
// client (curl, or a native Go peer) talks to it over loopback.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// One line on stderr per listener whose port the system chose.
var listeningRE = regexp.MustCompile(`(?m)^(wasinet|embed_run): listening on (\S+) \(fd (\d+)\)$`)

// waitStderr polls a process's stderr until re matches, and returns the
// submatches; it fails the test if the process exits first or the timeout
// passes. (The test polls, not the host: a few ms apart is fine here.)
func waitStderr(t *testing.T, stderr *lockedBuffer, exited <-chan struct{}, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(guestStartTimeout)
	for {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m
		}
		select {
		case <-exited:
			if m := re.FindStringSubmatch(stderr.String()); m != nil {
				return m
			}
			t.Fatalf("process ended without printing %v; stderr:\n%s", re, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %v on stderr within %v; stderr:\n%s", re, guestStartTimeout, stderr.String())
		}
	}
}

// hostListening waits for wasinet's "listening on URL (fd N)" line.
func (g *guestProc) hostListening() (url string, fd int) {
	g.t.Helper()
	m := waitStderr(g.t, &g.stderr, g.exited, listeningRE)
	fd, _ = strconv.Atoi(m[3])
	return m[2], fd
}

// The fd the first --listen gets when there is no directory at all (no
// --dir, --no-dns-files, --no-ca-certs): 3, right after stdio.
const firstListenerFdAlone = 3

// hostHasDNSFiles says whether wasinet shows this host's /etc/hosts or
// /etc/resolv.conf (then it preopens /etc).
func hostHasDNSFiles() bool {
	_, errHosts := os.Stat("/etc/hosts")
	_, errResolv := os.Stat("/etc/resolv.conf")
	return errHosts == nil || errResolv == nil
}

// testCABundle is a CA bundle for SSL_CERT_FILE, so that the CA preopen is
// there whatever this host has.
func testCABundle(t *testing.T) string {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	writeHostFile(t, bundle, "not really a certificate\n")
	return bundle
}

// defaultListenerFd is the first --listen's fd with wasinet run's defaults,
// no --dir and testCABundle: after every directory (issue 15), that is the
// empty "/" (fd 3), /etc when the host has DNS files, /etc/ssl/certs.
func defaultListenerFd() int {
	if hostHasDNSFiles() {
		return 6
	}
	return 5
}

// curl fetches urls (one after the other, on one connection when it can)
// with extra curl arguments, and returns the bodies as one string.
func curl(t *testing.T, extra []string, urls ...string) string {
	t.Helper()
	path, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed (scripts/setup.sh installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
	defer cancel()
	// -g: brackets in [::1] are an address, not a glob.
	args := append([]string{"-sS", "-g", "--fail", "--max-time", "15"}, extra...)
	out, err := exec.CommandContext(ctx, path, append(args, urls...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %s: %v\n%s", strings.Join(urls, " "), err, out)
	}
	return string(out)
}

// shortTempDir is a fresh directory with a path short enough for unix
// socket names (t.TempDir() can pass the 107-byte limit).
func shortTempDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "wn")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// expectServed checks the guest's answers to /hello and /exit, and that it
// then exits 7 with nothing unexpected on stderr: exactly wantStderr, or
// with wantStderr "" only wasinet's own (-v) lines.
func expectServed(t *testing.T, g *guestProc, body string, wantStderr string) {
	t.Helper()
	if want := "hello from the guest: /hello\nGET tag\nbye\n"; body != want {
		t.Errorf("curl got %q, want %q", body, want)
	}
	r := g.wait(peerTimeout)
	expectCode(t, r, 7)
	if wantStderr == "" {
		for _, l := range lines(r.stderr) {
			if !strings.HasPrefix(l, "wasinet: ") {
				t.Errorf("unexpected stderr line %q", l)
			}
		}
	} else if r.stderr != wantStderr {
		t.Errorf("stderr %q, want %q", r.stderr, wantStderr)
	}
}

// An unmodified-style Go HTTP server (net.FileListener on the fd, then
// http.Serve) answers curl on IPv4, IPv6 and a unix socket.
func TestListenGoHTTPServesCurl(t *testing.T) {
	g := guest(t, "go", "listener_http")

	// The guest finds its listener in WASINET_LISTEN_FDS ("-"): after the
	// implicit directories.
	t.Run("ipv4_port0_with_implicit_dirs", func(t *testing.T) {
		t.Parallel()
		fd := defaultListenerFd()
		// --allow-dns: the DNS files are only for a guest that may resolve.
		p := startGuest(t, opts{env: []string{"SSL_CERT_FILE=" + testCABundle(t)}},
			"run", "--allow-dns", "--listen", "tcp://127.0.0.1:0", g, "-", "tag")
		url, gotFd := p.hostListening()
		if gotFd != fd || !strings.HasPrefix(url, "tcp://127.0.0.1:") || strings.HasSuffix(url, ":0") {
			t.Fatalf("listening on %s (fd %d), want tcp://127.0.0.1:PORT (fd %d)", url, gotFd, fd)
		}
		base := "http://" + strings.TrimPrefix(url, "tcp://")
		body := curl(t, nil, base+"/hello", base+"/exit")
		expectServed(t, p, body, fmt.Sprintf("wasinet: listening on %s (fd %d)\n", url, fd))
	})

	t.Run("ipv6_port0", func(t *testing.T) {
		t.Parallel()
		if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
			t.Skipf("no IPv6 loopback here: %v", err)
		} else {
			l.Close()
		}
		p := startGuest(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--listen", "tcp://[::1]:0", g, "3", "tag")
		url, fd := p.hostListening()
		if fd != 3 || !strings.HasPrefix(url, "tcp://[::1]:") {
			t.Fatalf("listening on %s (fd %d), want tcp://[::1]:PORT (fd 3)", url, fd)
		}
		base := "http://" + strings.TrimPrefix(url, "tcp://")
		body := curl(t, nil, base+"/hello", base+"/exit")
		expectServed(t, p, body, fmt.Sprintf("wasinet: listening on %s (fd 3)\n", url))
	})

	t.Run("unix", func(t *testing.T) {
		t.Parallel()
		sock := filepath.Join(shortTempDir(t), "http.sock")
		// -v: the listening line even without port 0, printed once the
		// module is loaded (the socket file exists from before: curl could
		// connect sooner, but would wait out the compile).
		p := startGuest(t, opts{}, "run", "-v", "--no-dns-files", "--no-ca-certs", "--listen", "unix://"+sock, g, "3", "tag")
		url, fd := p.hostListening()
		if url != "unix://"+sock || fd != 3 {
			t.Fatalf("listening on %s (fd %d), want unix://%s (fd 3)", url, fd, sock)
		}
		body := curl(t, []string{"--unix-socket", sock}, "http://guest/hello", "http://guest/exit")
		expectServed(t, p, body, "")
		if _, err := os.Lstat(sock); !os.IsNotExist(err) {
			t.Errorf("the socket file is still there after the run (err %v)", err)
		}
	})
}

// The C guest uses wasi-libc's accept(): the fd arrives non-blocking (an
// accept with nothing pending is EAGAIN), and after fcntl clears the flag
// a blocking accept waits for the native client.
func TestListenCAccept(t *testing.T) {
	g := guest(t, "c", "listen_accept")
	p := startGuest(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--listen", "tcp://127.0.0.1:0", g)
	url, fd := p.hostListening()
	if fd != firstListenerFdAlone {
		t.Fatalf("listener at fd %d, want %d", fd, firstListenerFdAlone)
	}
	if l := p.waitLine("nonblock=", guestStartTimeout); l != "nonblock=1" {
		t.Fatalf("guest saw %q, want nonblock=1", l)
	}
	p.waitLine("ready", guestStartTimeout)
	// Give the guest time to enter its blocking accept before dialing, so
	// the wait itself is tested (not only a connection already queued).
	time.Sleep(100 * time.Millisecond)
	c := dialNative(t, "tcp", strings.TrimPrefix(url, "tcp://"))
	if _, err := c.Write([]byte("over real loopback\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "echo: over real loopback\n" {
		t.Fatalf("read %q, %v; want the echo\n%s", buf[:n], err, p.output())
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	expectStdout(t, r, "nonblock=1\nready\nserved\n")
}

// A malformed --listen is a usage error: exit 2, one line naming the flag
// and the value, before anything is opened.
func TestListenBadURL(t *testing.T) {
	g := guest(t, "c", "hello")
	for _, c := range []struct{ value, mention string }{
		{"udp://127.0.0.1:53", `unsupported scheme "udp"`},
		{"127.0.0.1:8080", "did you mean tcp://127.0.0.1:8080?"},
		{"tcp://localhost:8080", "not an IP address"},
		{"tcp://127.0.0.1:99999", "out of range"},
		{"tcp://::1:80", "in brackets"},
		{"tcp://127.0.0.1", "missing :PORT"},
		{"unix://relative.sock", "must be absolute"},
	} {
		r := run(t, opts{}, "run", "--listen", c.value, g)
		expectOneLineError(t, r, 2, "--listen "+c.value, c.mention)
	}
}

// An address another process holds: exit 125, one line naming it.
func TestListenAddressInUse(t *testing.T) {
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	addr := l.Addr().String()
	r := run(t, opts{}, "run", "--listen", "tcp://"+addr, guest(t, "c", "hello"))
	expectOneLineError(t, r, 125, "cannot listen on tcp://"+addr, "in use")
}

// A unix socket file nobody listens on (a crashed server's) is replaced;
// a live one, or a file that is no socket, is refused and left alone.
func TestListenUnixExistingFile(t *testing.T) {
	g := guest(t, "c", "hello")
	dir := shortTempDir(t)

	stale := filepath.Join(dir, "stale.sock")
	sl, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	sl.SetUnlinkOnClose(false)
	sl.Close()
	if _, err := os.Lstat(stale); err != nil {
		t.Fatalf("the stale socket file should exist: %v", err)
	}
	r := run(t, opts{}, "run", "--listen", "unix://"+stale, g)
	expectCode(t, r, 3) // hello ran
	if _, err := os.Lstat(stale); !os.IsNotExist(err) {
		t.Errorf("wasinet's socket file is still there after the run (err %v)", err)
	}

	live := filepath.Join(dir, "live.sock")
	listenNative(t, "unix", live)
	r = run(t, opts{}, "run", "--listen", "unix://"+live, g)
	expectOneLineError(t, r, 125, "unix://"+live, "another process is listening")
	if c, err := net.Dial("unix", live); err != nil {
		t.Errorf("the live socket no longer works: %v", err)
	} else {
		c.Close()
	}

	plain := filepath.Join(dir, "plain.txt")
	if err := os.WriteFile(plain, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, opts{}, "run", "--listen", "unix://"+plain, g)
	expectOneLineError(t, r, 125, "unix://"+plain, "not a socket")
	if b, err := os.ReadFile(plain); err != nil || string(b) != "keep me" {
		t.Errorf("the file was touched: %q, %v", b, err)
	}
}

// Several listeners get consecutive fds in the order given, after every
// preopened directory, the implicit ones included.
func TestListenOrderAfterDirectories(t *testing.T) {
	g := guest(t, "go", "listener_http")
	dir := t.TempDir()
	// The guest serves on the second listener (fd 6: stdio, the --dir at 3,
	// the CA bundle's /etc/ssl/certs at 4 — shown for --allow-dns —, the
	// first listener at 5).
	p := startGuest(t, opts{env: []string{"SSL_CERT_FILE=" + testCABundle(t)}}, "run", "--allow-dns", "--no-dns-files",
		"--dir", dir+"::/data", "--listen", "tcp://127.0.0.1:0", "--listen", "tcp://127.0.0.1:0", g, "6", "tag")
	m := waitStderr(t, &p.stderr, p.exited,
		regexp.MustCompile(`listening on (\S+) \(fd 5\)\nwasinet: listening on (\S+) \(fd 6\)\n`))
	base := "http://" + strings.TrimPrefix(m[2], "tcp://")
	body := curl(t, nil, base+"/hello", base+"/exit")
	if want := "hello from the guest: /hello\nGET tag\nbye\n"; body != want {
		t.Errorf("curl got %q, want %q", body, want)
	}
	expectCode(t, p.wait(peerTimeout), 7)
}
