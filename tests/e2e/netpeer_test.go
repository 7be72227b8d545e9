package e2e

// Helpers for the networking tests: a guest running in the background
// whose stdout is read line by line while native peers talk to it, and the
// native side of those conversations. Go's own net.Listen/net.Dial inside
// a wasip1 guest never reach the host, so every networking test pairs a
// guest with a native peer on loopback.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Generous: a guest's first start compiles it, several may compile at once.
const guestStartTimeout = 60 * time.Second

// peerTimeout bounds every native read, write and accept, so a host bug
// fails the test instead of hanging it.
const peerTimeout = 20 * time.Second

// lockedBuffer collects a process's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// guestProc is a guest running under wasinet in the background.
type guestProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string // stdout, line by line; closed at EOF
	stderr lockedBuffer
	start  time.Time

	mu     sync.Mutex
	stdout strings.Builder

	exited chan struct{}
	res    result
}

// startGuest runs `wasinet ARGS...` in the background; the process is
// killed when the test ends if it is still running.
func startGuest(t *testing.T, o opts, args ...string) *guestProc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	g := &guestProc{t: t, lines: make(chan string, 1024), exited: make(chan struct{})}
	g.cmd = wasinetCmd(ctx, t, o, args...)
	g.cmd.Stderr = &g.stderr
	out, err := g.cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	g.start = time.Now()
	if err := g.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start wasinet: %v", err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			g.mu.Lock()
			g.stdout.WriteString(sc.Text() + "\n")
			g.mu.Unlock()
			select {
			case g.lines <- sc.Text():
			default: // nobody is waiting for lines this far on; stdout keeps them
			}
		}
		close(g.lines)
		// Wait only after stdout is drained (os/exec's rule for pipes).
		err := g.cmd.Wait()
		g.mu.Lock()
		g.res = result{stdout: g.stdout.String(), stderr: g.stderr.String(), elapsed: time.Since(g.start)}
		var exit *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &exit):
			g.res.code = exit.ExitCode()
		default:
			g.res.code = -1
			g.res.stderr += "\n(wait: " + err.Error() + ")"
		}
		g.mu.Unlock()
		close(g.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-g.exited:
		default:
			_ = g.cmd.Process.Kill()
			<-g.exited
		}
		cancel()
	})
	return g
}

// output is what the guest printed so far, for failure messages.
func (g *guestProc) output() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return "--- stdout so far:\n" + g.stdout.String() + "--- stderr so far:\n" + g.stderr.String() + "---"
}

// waitLine returns the next stdout line starting with prefix, skipping
// others; it fails the test if the guest exits or stays silent.
func (g *guestProc) waitLine(prefix string, timeout time.Duration) string {
	g.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-g.lines:
			if !ok {
				<-g.exited
				g.t.Fatalf("guest ended before printing %q\n%s", prefix, g.res)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			g.t.Fatalf("no %q line from the guest within %v\n%s", prefix, timeout, g.output())
		}
	}
}

// listening waits for the guest's "listening ADDR" line and returns ADDR.
func (g *guestProc) listening() string {
	g.t.Helper()
	return strings.TrimPrefix(g.waitLine("listening ", guestStartTimeout), "listening ")
}

// wait waits for the guest to exit on its own.
func (g *guestProc) wait(timeout time.Duration) result {
	g.t.Helper()
	select {
	case <-g.exited:
	case <-time.After(timeout):
		g.t.Fatalf("guest still running after %v\n%s", timeout, g.output())
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.res
}

// ------------------------------------------------------------ native side

// loopback is one address family on the loopback interface.
type loopback struct {
	name    string // subtest name
	tcp     string // network for net.Listen/Dial
	udp     string
	host    string // host part of an address
	anyPort string // "HOST:0" for a guest to bind
}

var loopbacks = []loopback{
	{"ipv4", "tcp4", "udp4", "127.0.0.1", "127.0.0.1:0"},
	{"ipv6", "tcp6", "udp6", "::1", "[::1]:0"},
}

// pattern is the guests' payload (tests/guests/go/internal/v0guest/echo).
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func listenNative(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("native listen %s %s: %v", network, addr, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// closedPort returns an address on host where nothing listens: a port the
// kernel just handed out and that was closed again.
func closedPort(t *testing.T, network, host string) string {
	t.Helper()
	l, err := net.Listen(network, net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// accepted is a connection a native listener accepted, or why not.
type accepted struct {
	conn net.Conn
	err  error
}

// acceptAsync accepts n connections in the background, each with a
// deadline of peerTimeout, and closes them when the test ends.
func acceptAsync(t *testing.T, l net.Listener, n int) <-chan accepted {
	ch := make(chan accepted, n)
	go func() {
		for i := 0; i < n; i++ {
			c, err := l.Accept()
			if err == nil {
				c.SetDeadline(time.Now().Add(peerTimeout))
				t.Cleanup(func() { c.Close() })
			}
			ch <- accepted{c, err}
		}
	}()
	return ch
}

// serveOne accepts one connection on l in the background and hands it to
// serve; nothing happens if the accept fails (the guest's side then fails
// the test).
func serveOne(t *testing.T, l net.Listener, serve func(c net.Conn)) {
	conns := acceptAsync(t, l, 1)
	go func() {
		if a := <-conns; a.err == nil {
			serve(a.conn)
		}
	}()
}

// dialNative connects to a guest's listener with a deadline on the conn.
func dialNative(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout(network, addr, peerTimeout)
	if err != nil {
		t.Fatalf("native dial %s %s: %v", network, addr, err)
	}
	c.SetDeadline(time.Now().Add(peerTimeout))
	t.Cleanup(func() { c.Close() })
	return c
}

// exchange sends data while reading the echo concurrently, half-closes,
// and checks the echo up to EOF. It returns an error (not t.Fatal) so it
// can run in a goroutine.
func exchange(c net.Conn, data []byte) error {
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = closeWrite(c)
		}
		werr <- err
	}()
	got, rerr := io.ReadAll(c)
	if err := <-werr; err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	if len(got) != len(data) || sum(got) != sum(data) {
		return fmt.Errorf("echo differs: got %d bytes, sent %d", len(got), len(data))
	}
	return nil
}

func closeWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return fmt.Errorf("cannot half-close a %T", c)
}

// field returns the value of "key=value" in a space-separated line.
func field(t *testing.T, line, key string) string {
	t.Helper()
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	t.Fatalf("no %s= in %q", key, line)
	return ""
}

// fullListener is a TCP listener on 127.0.0.1 whose accept queue is full:
// backlog 0 admits one connection, which the test makes and never
// accepts; Linux then drops further SYNs, so a connect to it stays under
// way (for minutes of SYN retries). It returns the address.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	dialNative(t, "tcp4", addr) // fills the queue
	// The premise, checked: another connect does not complete.
	if c, err := net.DialTimeout("tcp4", addr, 200*time.Millisecond); err == nil {
		c.Close()
		t.Fatalf("a connect to a full accept queue completed: this kernel does not drop the SYNs, the test cannot work here")
	}
	return addr
}
