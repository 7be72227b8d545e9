package e2e

// One test per compatibility rule of the wasinet_v0 ABI
// (../shared/design/wasinet_v0-abi.md, "Compatibility rules"), each with
// the v0_compat guest making exactly the existing library's calls.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func atoiField(t *testing.T, line, key string) int {
	t.Helper()
	v, err := strconv.Atoi(field(t, line, key))
	if err != nil {
		t.Fatalf("%s in %q: %v", key, line, err)
	}
	return v
}

// Refused connects: the library waits for writability, then takes only
// SO_ERROR's errno. A dial to a closed port must end with ECONNREFUSED
// within a couple of seconds, not at the guest's 10 s context deadline.
func TestV0CompatRefusedConnect(t *testing.T) {
	g := guest(t, "go", "v0_compat")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			r := run(t, opts{}, "run", "--allow-net=loopback", g, "refused", closedPort(t, lb.tcp, lb.host))
			expectCode(t, r, 0)
			line := r.stdout
			if errno := atoiField(t, line, "errno"); errno != wasiECONNREFUSED {
				t.Errorf("errno %d, want ECONNREFUSED (%d)\n%s", errno, wasiECONNREFUSED, r)
			}
			if ms := atoiField(t, line, "elapsed_ms"); ms > 3000 {
				t.Errorf("the refusal took %d ms\n%s", ms, r)
			}
		})
	}
}

// Full writes: one Write of 4 MiB to a reader that starts late and reads
// slowly through a small receive buffer arrives whole — the library does
// not retry EAGAIN or loop on a short count, so the host must write it all.
func TestV0CompatFullWrite(t *testing.T) {
	g := guest(t, "go", "v0_compat")
	const size = 4 << 20
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			// Inherited by accepted sockets: the guest's write cannot fit in flight.
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	l, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	conns := acceptAsync(t, l, 1)
	got := make(chan []byte, 1)
	go func() {
		a := <-conns
		if a.err != nil {
			got <- nil
			return
		}
		time.Sleep(300 * time.Millisecond)
		var all bytes.Buffer
		buf := make([]byte, 64<<10)
		for {
			n, err := a.conn.Read(buf)
			all.Write(buf[:n])
			if err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		got <- all.Bytes()
	}()
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "bigwrite", l.Addr().String(), strconv.Itoa(size))
	expectCode(t, r, 0)
	expectStdout(t, r, fmt.Sprintf("wrote %d errno=0\n", size))
	if b := <-got; len(b) != size || !bytes.Equal(b, pattern(size)) {
		t.Errorf("native reader got %d bytes (want %d), equal to the pattern: %t", len(b), size, bytes.Equal(b, pattern(size)))
	}
}

// silentPeer accepts one connection and holds it open without a word.
func silentPeer(t *testing.T) string {
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	acceptAsync(t, l, 1)
	return l.Addr().String()
}

// Timeouts: a 200 ms read deadline on an idle connection, sent as {0 s,
// 200 ms}, ends the read with ETIMEDOUT — which the guest sees as a
// timeout — within 2 s. (EAGAIN would be retried forever.)
func TestV0CompatReadDeadline(t *testing.T) {
	g := guest(t, "go", "v0_compat")
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "readdeadline", silentPeer(t), "200")
	expectCode(t, r, 0)
	line := r.stdout
	if field(t, line, "timeout") != "true" || atoiField(t, line, "errno") != wasiETIMEDOUT || atoiField(t, line, "n") != 0 {
		t.Errorf("want n=0 timeout=true errno=%d\n%s", wasiETIMEDOUT, r)
	}
	if ms := atoiField(t, line, "elapsed_ms"); ms < 150 || ms > 2000 {
		t.Errorf("the deadline fired after %d ms, want about 200\n%s", ms, r)
	}
}

// Timeouts: a deadline long past arrives as negative seconds and means
// "already expired": the read ends at once with a timeout. net/http
// stops its background read this way after every request.
func TestV0CompatExpiredDeadline(t *testing.T) {
	g := guest(t, "go", "v0_compat")
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "expired", silentPeer(t))
	expectCode(t, r, 0)
	line := r.stdout
	if field(t, line, "timeout") != "true" || atoiField(t, line, "errno") != wasiETIMEDOUT {
		t.Errorf("want timeout=true errno=%d\n%s", wasiETIMEDOUT, r)
	}
	if ms := atoiField(t, line, "elapsed_ms"); ms > 1000 {
		t.Errorf("an expired deadline took %d ms to fire\n%s", ms, r)
	}
}

// Timeouts: {0, 0} clears a deadline. After setting 200 ms and clearing
// it, a read waits for the peer, who writes after 600 ms.
func TestV0CompatClearedDeadline(t *testing.T) {
	g := guest(t, "go", "v0_compat")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	serveOne(t, l, func(c net.Conn) {
		time.Sleep(600 * time.Millisecond)
		c.Write([]byte("late"))
		c.Close()
	})
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "cleared", l.Addr().String())
	expectCode(t, r, 0)
	if line := r.stdout; len(lines(line)) != 1 || !strings.HasPrefix(line, "read late elapsed_ms=") {
		t.Errorf("want \"read late elapsed_ms=...\"\n%s", r)
	}
	if ms := atoiField(t, r.stdout, "elapsed_ms"); ms < 400 {
		t.Errorf("read returned after %d ms, before the peer wrote\n%s", ms, r)
	}
}

// The address on stream writes: the library sends one with every write.
// On a connected TCP or unix stream socket the host must ignore it, even
// when it names somewhere else entirely.
func TestV0CompatStreamWriteAddressIgnored(t *testing.T) {
	g := guest(t, "go", "v0_compat")
	const text = "sent with a wrong address"
	check := func(t *testing.T, l net.Listener, o opts, args ...string) {
		conns := acceptAsync(t, l, 1)
		got := make(chan string, 1)
		go func() {
			a := <-conns
			if a.err != nil {
				got <- a.err.Error()
				return
			}
			b, _ := io.ReadAll(a.conn)
			got <- string(b)
		}()
		r := run(t, o, append([]string{"run"}, args...)...)
		expectCode(t, r, 0)
		expectStdout(t, r, fmt.Sprintf("wrote %d errno=0\n", len(text)))
		if s := <-got; s != text {
			t.Errorf("native peer received %q, want %q", s, text)
		}
	}
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			l := listenNative(t, lb.tcp, lb.anyPort)
			check(t, l, opts{}, "--allow-net=loopback", g, "wrongaddr", "tcp", l.Addr().String(), "127.0.0.1:9")
		})
	}
	t.Run("unix", func(t *testing.T) {
		work, tmp := unixDirs(t)
		l := listenNative(t, "unix", filepath.Join(tmp, "app.sock"))
		check(t, l, opts{dir: work}, "--dir", "tmp::/run", "--allow-unix="+tmp, g, "wrongaddr", "unix", "/run/app.sock", "/run/elsewhere.sock")
	})
}
