package e2e

// SIGINT and SIGTERM stop a guest promptly even while it sleeps inside a
// host call (poll_oneoff, a blocking accept), where epoch interruption
// alone would not reach it: exit 128+signal and one line saying so.

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The bound of the issue: the guest is gone within 2 s of the signal.
const stopBound = 2 * time.Second

func expectStopped(t *testing.T, p *guestProc, sig syscall.Signal, name string, code int) {
	t.Helper()
	// Let the guest settle into its wait.
	time.Sleep(200 * time.Millisecond)
	sent := time.Now()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(stopBound):
		t.Fatalf("still running %v after %s\n%s", stopBound, name, p.output())
	}
	t.Logf("stopped %v after %s", time.Since(sent), name)
	r := p.wait(peerTimeout) // already exited
	expectCode(t, r, code)
	if last := lines(r.stderr); len(last) == 0 || last[len(last)-1] != "wasinet: stopped by "+name {
		t.Errorf("stderr does not end with \"wasinet: stopped by %s\":\n%s", name, r.stderr)
	}
	if strings.Contains(r.stderr, "trapped") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stderr shows more than the stop:\n%s", r.stderr)
	}
}

// A Go HTTP server idle in poll_oneoff (its netpoller waiting for a
// connection) stops on SIGTERM (143) and SIGINT (130).
func TestSignalStopsGoServerInPoll(t *testing.T) {
	g := guest(t, "go", "listener_http")
	for _, c := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGTERM, "SIGTERM", 143}, {syscall.SIGINT, "SIGINT", 130}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := startGuest(t, opts{}, "run", "--no-dns-files", "--listen", "tcp://127.0.0.1:0", g, "-", "tag")
			url, _ := p.hostListening()
			// One request first: the guest is past its start and serving.
			if body := curl(t, nil, "http://"+strings.TrimPrefix(url, "tcp://")+"/hello"); !strings.HasPrefix(body, "hello from the guest") {
				t.Fatalf("curl got %q", body)
			}
			expectStopped(t, p, c.sig, c.name, c.code)
		})
	}
}

// A C guest blocked in a blocking accept() (a host-side wait on the
// socket, not poll_oneoff) stops on SIGTERM.
func TestSignalStopsCGuestInBlockingAccept(t *testing.T) {
	g := guest(t, "c", "listen_accept")
	p := startGuest(t, opts{}, "run", "--no-dns-files", "--listen", "tcp://127.0.0.1:0", g)
	p.hostListening()
	p.waitLine("ready", guestStartTimeout)
	expectStopped(t, p, syscall.SIGTERM, "SIGTERM", 143)
}

// A signal while the module still compiles (which cannot be interrupted)
// ends the process at once, with the same status and line; a socket file
// it had created is removed.
func TestSignalWhileCompiling(t *testing.T) {
	g := guest(t, "go", "listener_http")
	sock := filepath.Join(shortTempDir(t), "early.sock")
	// --no-cache: a compile of a few seconds, during which SIGTERM arrives
	// (on a machine fast enough to finish first, the guest is stopped
	// instead: the outcome is the same).
	p := startGuest(t, opts{}, "run", "--no-cache", "--no-dns-files", "--listen", "unix://"+sock, g, "-")
	deadline := time.Now().Add(guestStartTimeout)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared\n%s", sock, p.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
	expectStopped(t, p, syscall.SIGTERM, "SIGTERM", 143)
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket file is still there (err %v)", err)
	}
}
