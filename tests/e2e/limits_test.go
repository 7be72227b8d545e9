package e2e

// The limits of `wasinet run` (docs/limits.md): --max-fds, --max-conns,
// --max-memory and --timeout, with real guests. Hitting a limit gives the
// guest EMFILE or a failed allocation, or stops it with one clear line and
// exit 124; the host stays healthy.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A limit flag with a value that cannot be meant is a usage error: exit 2
// and one line naming the flag and the value.
func TestLimitsMalformedFlags(t *testing.T) {
	g := guest(t, "c", "hello")
	for _, c := range []struct{ flag, value string }{
		{"--timeout", "5x"}, {"--timeout", "0"}, {"--timeout", "1e3"}, {"--timeout", "1001h"},
		{"--max-memory", "64Q"}, {"--max-memory", "0"}, {"--max-memory", "1.5G"},
		{"--max-fds", "2"}, {"--max-fds", "many"}, {"--max-conns", "0"}, {"--max-conns", "-3"},
	} {
		c := c
		t.Run(strings.TrimPrefix(c.flag, "--")+"="+c.value, func(t *testing.T) {
			t.Parallel()
			r := run(t, opts{}, "run", c.flag+"="+c.value, g)
			expectOneLineError(t, r, 2, c.flag, c.value)
		})
	}
}

// withFdLimit runs wasinet under prlimit with the given soft and hard
// RLIMIT_NOFILE (skipping when prlimit is missing or the hard limit is
// above ours and cannot be raised).
func withFdLimit(t *testing.T, soft, hard uint64, args ...string) result {
	t.Helper()
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit (util-linux) is not installed")
	}
	var own syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &own); err != nil {
		t.Fatal(err)
	}
	if own.Max < hard && os.Geteuid() != 0 {
		t.Skipf("the hard fd limit is %d, below the %d this test needs", own.Max, hard)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := wasinetCmd(ctx, t, opts{}, args...)
	cmd.Path = prlimit
	cmd.Args = append([]string{"prlimit", fmt.Sprintf("--nofile=%d:%d", soft, hard), "--", wasinet}, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if exit, ok := err.(*exec.ExitError); ok {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("prlimit wasinet: %v", err)
	}
	return r
}

func probeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "probe"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// --max-fds: opening files beyond it fails with EMFILE, so does opening a
// socket; after closing some the guest opens as many again.
func TestLimitsMaxFds(t *testing.T) {
	g := guest(t, "c", "limits_fds")
	dir := probeDir(t)
	r := run(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--allow-net=loopback",
		"--max-fds", "20", "--dir", dir+"::/data", g, "files", "/data/probe")
	expectCode(t, r, 0)
	// fds 0-2 stdio, 3 the directory: 16 files fill the 20.
	expectStdout(t, r, "files=16 errno=EMFILE\nreopened=3\nagain=EMFILE\nsocket=EMFILE\ndone\n")
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

// A --max-fds too small for the preopens says so, naming the cap (issue 15:
// the message blamed "too many preopened directories", and a run with no
// room for the implicit ones stopped): an implicit preopen is left out with
// a warning, and so is one that would take a --listen socket's fd; a --dir
// that does not fit is an error.
func TestLimitsMaxFdsTooSmallForThePreopens(t *testing.T) {
	g := guest(t, "c", "hello")
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	writeHostFile(t, bundle, "test bundle\n")
	host := opts{env: []string{"SSL_CERT_FILE=" + bundle}}

	// --allow-net: the implicit preopens come only with outbound network.
	r := run(t, host, "run", "--allow-net=loopback", "--no-dns-files", "--max-fds", "3", g)
	expectCode(t, r, 3) // hello ran
	want := "wasinet: warning: the guest gets no CA certificates: " +
		"--max-fds 3 leaves no fd for the preopened directory /etc/ssl/certs\n"
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q, want it to hold %q", r.stderr, want)
	}

	dir := t.TempDir()
	r = run(t, host, "run", "--allow-net=loopback", "--no-dns-files", "--max-fds", "5", "--dir", dir+"::/data",
		"--listen", "tcp://127.0.0.1:0", g)
	expectCode(t, r, 3)
	want = "wasinet: warning: the guest gets no CA certificates: " +
		"--max-fds 5 leaves no fd for the preopened directory /etc/ssl/certs besides the --listen socket\n"
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "(fd 4)") {
		t.Errorf("stderr %q, want %q and the listener at fd 4", r.stderr, want)
	}

	r = run(t, host, "run", "--max-fds", "3", "--dir", dir+"::/data", g)
	expectOneLineError(t, r, exitHostError, "--max-fds 3 leaves no fd for the preopened directory /data")
}

// By default the guest may hold what the host's hard RLIMIT_NOFILE allows
// less 64: wasinet raises its soft limit as Go does. A --max-fds beyond
// that is refused at start (125), naming the most it could be.
func TestLimitsDefaultMaxFdsFollowsHardLimit(t *testing.T) {
	g := guest(t, "c", "limits_fds")
	dir := probeDir(t)
	const soft, hard = 1024, 3000
	base := []string{"run", "--no-dns-files", "--no-ca-certs", "--dir", dir + "::/data"}
	r := withFdLimit(t, soft, hard, append(base, g, "files", "/data/probe")...)
	expectCode(t, r, 0)
	want := fmt.Sprintf("files=%d errno=EMFILE\n", hard-64-4)
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout starts %q, want %q (hard limit %d less 64, less stdio and the directory)\n%s",
			firstLine(r.stdout), want, hard, r)
	}

	r = withFdLimit(t, soft, hard, append(base, "--max-fds", "5000", g, "files", "/data/probe")...)
	expectOneLineError(t, r, 125, "--max-fds 5000", "RLIMIT_NOFILE", strconv.Itoa(hard-64))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// A guest server holds 10,000 connections at once when the host's hard
// limit allows it, as a native Go server would (no --max-fds given).
func TestLimitsTenThousandSockets(t *testing.T) {
	var own syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &own); err != nil {
		t.Fatal(err)
	}
	if own.Max < 10_200 {
		t.Skipf("the hard fd limit is %d: 10,000 sockets need more", own.Max)
	}
	g := guest(t, "c", "limits_fds")
	hard := min(own.Max, 12_000)
	// The guest opens sockets until EMFILE: all the host allows less 64.
	r := withFdLimit(t, 1024, hard, "run", "--no-dns-files", "--no-ca-certs", "--allow-net=loopback",
		g, "fill")
	expectCode(t, r, 0)
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(firstLine(r.stdout), "sockets="), " errno=EMFILE"))
	if err != nil || uint64(n) != hard-64-3 {
		t.Fatalf("first line %q, want sockets=%d errno=EMFILE\n%s", firstLine(r.stdout), hard-64-3, r)
	}
}

// --max-conns: sockets the guest opens beyond it fail with EMFILE; a
// listener does not count; closing one frees a slot.
func TestLimitsMaxConnsSockets(t *testing.T) {
	g := guest(t, "c", "limits_fds")
	r := run(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--allow-net=loopback",
		"--allow-listen=loopback", "--max-conns", "5", g, "sockets")
	expectCode(t, r, 0)
	expectStdout(t, r, "sockets=5 errno=EMFILE\nafter_listen=ok\nreopened=ok\ndone\n")
}

// keepAliveGet sends one keep-alive GET on c and reads the status line, or
// returns an error when none comes within `wait`.
func keepAliveGet(c net.Conn, br *bufio.Reader, path string, wait time.Duration) (string, error) {
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: guest\r\n\r\n", path); err != nil {
		return "", err
	}
	c.SetReadDeadline(time.Now().Add(wait))
	status, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	// Skip headers and the body (Content-Length).
	length := 0
	for {
		h, err := br.ReadString('\n')
		if err != nil {
			return "", err
		}
		if h == "\r\n" {
			break
		}
		if v, ok := strings.CutPrefix(strings.ToLower(h), "content-length: "); ok {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if _, err := br.Discard(length); err != nil {
		return "", err
	}
	return strings.TrimSpace(status), nil
}

// --max-conns 2 on a Go HTTP server (net/http, preopened listener) with
// native clients: two keep-alive clients hold both slots; a third waits
// (its connection stays in the kernel's queue while the server backs off
// on EMFILE, without spinning) and is served as soon as one of the two
// closes.
func TestLimitsMaxConnsHTTPServer(t *testing.T) {
	g := guest(t, "go", "listener_http")
	p := startGuest(t, opts{}, "run", "--no-dns-files", "--max-conns", "2",
		"--listen", "tcp://127.0.0.1:0", g, "-", "tag")
	url, _ := p.hostListening()
	addr := strings.TrimPrefix(url, "tcp://")

	type client struct {
		c  net.Conn
		br *bufio.Reader
	}
	dial := func() client {
		c, err := net.DialTimeout("tcp", addr, peerTimeout)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return client{c, bufio.NewReader(c)}
	}
	var held []client
	for i := 0; i < 2; i++ {
		cl := dial()
		if status, err := keepAliveGet(cl.c, cl.br, "/hello", guestStartTimeout); err != nil || !strings.Contains(status, "200") {
			t.Fatalf("client %d: %q %v\n%s", i, status, err, p.output())
		}
		held = append(held, cl)
	}

	third := dial()
	cpu0 := procCPU(t, p.cmd.Process.Pid)
	const held_for = 2 * time.Second
	if status, err := keepAliveGet(third.c, third.br, "/hello", held_for); err == nil {
		t.Fatalf("the third client was served (%q) while two held both slots", status)
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("third client: %v, want a timeout while waiting", err)
	}
	// Backing off on EMFILE, the server should barely use the CPU.
	if used := procCPU(t, p.cmd.Process.Pid) - cpu0; used > held_for/2 {
		t.Errorf("wasinet used %v of CPU in %v while the third client waited: spinning?", used, held_for)
	}

	held[0].c.Close()
	// The request is already written: only its answer is awaited.
	third.c.SetReadDeadline(time.Now().Add(peerTimeout))
	status, err := third.br.ReadString('\n')
	if err != nil || !strings.Contains(status, "200") {
		t.Fatalf("third client after a slot freed: %q %v\n%s", status, err, p.output())
	}
	if !strings.Contains(p.output(), "Too many open files") {
		t.Logf("the server never logged EMFILE: %s", p.output())
	}
	held[1].c.Close()
	third.c.Close()
	curl(t, nil, "http://"+addr+"/exit")
	expectCode(t, p.wait(peerTimeout), 7)
}

// --max-memory: a C guest's malloc fails at the cap and it goes on after
// freeing; one that aborts then gets the trap line and a line naming the
// cap; a Go guest dies of "out of memory" and gets the same line.
func TestLimitsMaxMemory(t *testing.T) {
	t.Run("c-recovers", func(t *testing.T) {
		t.Parallel()
		r := run(t, opts{}, "run", "--max-memory", "16M", guest(t, "c", "limits_memory"), "grow")
		expectCode(t, r, 0)
		mib := allocatedMiB(t, r)
		if mib < 8 || mib >= 16 {
			t.Errorf("allocated %d MiB under a 16M cap, want 8..15\n%s", mib, r)
		}
		if !strings.Contains(r.stdout, "recovered\n") || r.stderr != "" {
			t.Errorf("the guest did not go on cleanly\n%s", r)
		}
	})
	t.Run("c-aborts", func(t *testing.T) {
		t.Parallel()
		r := run(t, opts{}, "run", "--max-memory", "16M", guest(t, "c", "limits_memory"), "die")
		expectCode(t, r, 134)
		if l := lines(r.stderr); len(l) != 2 || !strings.Contains(l[0], "trapped") ||
			!strings.HasPrefix(l[1], "wasinet: the guest reached --max-memory 16M") {
			t.Errorf("stderr: want the trap line, then the --max-memory line\n%s", r)
		}
	})
	t.Run("go-out-of-memory", func(t *testing.T) {
		t.Parallel()
		r := run(t, opts{}, "run", "--max-memory", "64M", guest(t, "go", "limits_memory"))
		if r.code == 0 {
			t.Fatalf("the Go guest survived a 64M cap\n%s", r)
		}
		if !strings.Contains(r.stderr, "out of memory") {
			t.Errorf("no \"out of memory\" from the Go runtime\n%s", r)
		}
		if l := lines(r.stderr); len(l) == 0 || !strings.HasPrefix(l[len(l)-1], "wasinet: the guest reached --max-memory 64M") {
			t.Errorf("stderr does not end with the --max-memory line\n%s", r)
		}
		if strings.Contains(r.stdout, "allocated=64 MiB") {
			t.Errorf("the guest held 64 MiB of blocks under a 64M cap\n%s", r)
		}
	})
	t.Run("initial-memory-above", func(t *testing.T) {
		t.Parallel()
		r := run(t, opts{}, "run", "--max-memory", "1M", guest(t, "go", "limits_memory"))
		expectOneLineError(t, r, 125, "--max-memory 1M", "memory starts at")
	})
}

func allocatedMiB(t *testing.T, r result) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(firstLine(r.stdout), "allocated=%d MiB", &n); err != nil {
		t.Fatalf("no allocated= line: %v\n%s", err, r)
	}
	return n
}

// --timeout stops a guest however it waits: spinning in wasm, asleep in
// poll_oneoff, blocked in accept, blocked in a send to a peer that never
// reads; promptly (within the timeout and 3 s of the wait starting), with
// exit 124 and one line.
func TestLimitsTimeout(t *testing.T) {
	g := guest(t, "c", "limits_wait")
	const limit = 2 * time.Second
	sink := listenNative(t, "tcp4", "127.0.0.1:0") // never accepts, never reads
	for _, c := range []struct {
		name string
		args []string
	}{
		{"spin", []string{g, "spin"}},
		{"sleep", []string{g, "sleep"}},
		{"accept", []string{"--no-ca-certs", "--listen", "tcp://127.0.0.1:0", g, "accept", "3"}},
		{"send", []string{"--allow-net=loopback", g, "send", "127.0.0.1", portOf(t, sink.Addr())}},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := startGuest(t, opts{}, append([]string{"run", "--no-dns-files", "--timeout", "2s"}, c.args...)...)
			p.waitLine("waiting", guestStartTimeout)
			waiting := time.Now()
			r := p.wait(limit + 3*time.Second)
			t.Logf("stopped %v after the wait began, %v after wasinet started", time.Since(waiting), r.elapsed)
			expectCode(t, r, 124)
			if r.elapsed < limit {
				t.Errorf("stopped after %v, before the %v timeout", r.elapsed, limit)
			}
			if l := lines(r.stderr); len(l) == 0 || l[len(l)-1] != "wasinet: stopped: --timeout 2s reached" {
				t.Errorf("stderr does not end with the timeout line\n%s", r)
			}
			if strings.Contains(r.stderr, "trapped") || strings.Contains(r.stderr, "limits_wait:") {
				t.Errorf("stderr shows more than the stop\n%s", r)
			}
		})
	}
}

// A Go HTTP server idle in its netpoller (poll_oneoff) stops at --timeout.
func TestLimitsTimeoutGoServer(t *testing.T) {
	g := guest(t, "go", "listener_http")
	p := startGuest(t, opts{}, "run", "--no-dns-files", "--timeout", "3s", "--listen", "tcp://127.0.0.1:0", g, "-")
	url, _ := p.hostListening()
	if body := curl(t, nil, "http://"+strings.TrimPrefix(url, "tcp://")+"/hello"); !strings.HasPrefix(body, "hello from the guest") {
		t.Fatalf("curl got %q", body)
	}
	r := p.wait(guestStartTimeout + 3*time.Second)
	expectCode(t, r, 124)
	if l := lines(r.stderr); len(l) == 0 || l[len(l)-1] != "wasinet: stopped: --timeout 3s reached" {
		t.Errorf("stderr does not end with the timeout line\n%s", r)
	}
}

// A guest that ends before its timeout keeps its own exit code, at once.
func TestLimitsTimeoutNotReached(t *testing.T) {
	r := run(t, opts{}, "run", "--timeout", "1m", guest(t, "c", "hello"))
	expectCode(t, r, 3)
	if r.elapsed > 30*time.Second {
		t.Errorf("took %v: waited for the timeout?", r.elapsed)
	}
	if strings.Contains(r.stderr, "--timeout") {
		t.Errorf("stderr mentions the timeout\n%s", r)
	}
}

func portOf(t *testing.T, a net.Addr) string {
	t.Helper()
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// A Go HTTP server guest holds 10,000 keep-alive connections from native
// clients at once, with no limit flag: wasinet raised its fd limit to the
// hard one as a native Go server does. Each client is served, then all
// are served a second time while every connection is still open.
func TestLimitsGoServerHoldsTenThousandConnections(t *testing.T) {
	const conns = 10_000
	var own syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &own); err != nil {
		t.Fatal(err)
	}
	// This process holds the client ends; Go raised our soft limit already.
	if own.Max < conns+500 || own.Cur < conns+500 {
		t.Skipf("the fd limit is %d/%d: %d connections need more", own.Cur, own.Max, conns)
	}
	g := guest(t, "go", "listener_http")
	p := startGuest(t, opts{}, "run", "--no-dns-files", "--listen", "tcp://127.0.0.1:0", g, "-")
	url, _ := p.hostListening()
	addr := strings.TrimPrefix(url, "tcp://")

	type client struct {
		c  net.Conn
		br *bufio.Reader
	}
	clients := make([]client, conns)
	t.Cleanup(func() {
		for _, cl := range clients {
			if cl.c != nil {
				cl.c.Close()
			}
		}
	})
	start := time.Now()
	// Both rounds in parallel batches: each client asks once per round.
	round := func(name string, dial bool) {
		errs := make(chan error, conns)
		sem := make(chan struct{}, 200)
		for i := range clients {
			sem <- struct{}{}
			go func(i int) {
				defer func() { <-sem }()
				if dial {
					c, err := net.DialTimeout("tcp", addr, peerTimeout)
					if err != nil {
						errs <- fmt.Errorf("dial %d: %v", i, err)
						return
					}
					clients[i] = client{c, bufio.NewReader(c)}
				}
				status, err := keepAliveGet(clients[i].c, clients[i].br, "/hello", 2*time.Minute)
				if err != nil || !strings.Contains(status, "200") {
					errs <- fmt.Errorf("%s: client %d: %q %v", name, i, status, err)
					return
				}
				errs <- nil
			}(i)
		}
		failed := 0
		for range clients {
			if err := <-errs; err != nil {
				if failed < 5 {
					t.Error(err)
				}
				failed++
			}
		}
		if failed > 0 {
			t.Fatalf("%s: %d of %d clients failed\n%s", name, failed, conns, p.output())
		}
		t.Logf("%s: %d clients served after %v", name, conns, time.Since(start))
	}
	round("connect", true)
	round("again", false)
	if fds := len(procFDs(t, p.cmd.Process.Pid)); fds < conns {
		t.Errorf("wasinet holds %d fds, want at least the %d connections", fds, conns)
	}
	curl(t, nil, "http://"+addr+"/exit")
	expectCode(t, p.wait(peerTimeout), 7)
}

// A guest blocked reading a pipe that never ends (stdin held open) is
// stopped by --timeout like any other wait: the read waits on the wake
// event too, so no forced exit is needed.
func TestLimitsTimeoutStopsABlockingStdinRead(t *testing.T) {
	g := guest(t, "c", "stdin")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := wasinetCmd(ctx, t, opts{}, "run", "--timeout", "1s", g)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() // held open: the guest's read never ends by itself
	cmd.Stdin = r
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var res result
	select {
	case err = <-done:
		res = finish(t, cmd, &stdout, &stderr, start, err)
	case <-time.After(guestStartTimeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %v after a 1s timeout\n%s", guestStartTimeout, stderr.String())
	}
	expectCode(t, res, 124)
	if l := lines(res.stderr); len(l) != 1 || l[0] != "wasinet: stopped: --timeout 1s reached" {
		t.Errorf("stderr: want the timeout line (the read wakes; no forced exit)\n%s", res)
	}
	if res.elapsed < time.Second {
		t.Errorf("ended after %v: before the 1 s timeout", res.elapsed)
	}
	t.Logf("ended after %v", res.elapsed)
}
