package shim

// Real guests in pods: serving, stopping, and what a stopped pod leaves.

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// idleImage: the idle guest at /app.wasm (prints "idle: sleeping", then
// sleeps an hour in poll_oneoff).
func idleImage(t *testing.T) image {
	return image{
		name:       "idle",
		files:      map[string][]byte{"app.wasm": guest(t, "idle")},
		entrypoint: []string{"/app.wasm"},
	}
}

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// A guest serving HTTP on a host port (--net-host, WASINET_ALLOW_LISTEN)
// answers curl; SIGTERM then stops it as `wasinet run` stops (143).
func TestPodServesHTTPOnHostPort(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	im := image{
		name:       "httpserver",
		files:      map[string][]byte{"app.wasm": example(t, "httpserver")},
		entrypoint: []string{"/app.wasm"},
	}
	c := startContainer(t, node{cacheDir: "none"}, im, "listening on http://"+addr,
		[]string{"WASINET_ALLOW_LISTEN=" + addr}, "/app.wasm", "-addr", addr)
	out, err := exec.Command("curl", "-sS", "--max-time", "10", "http://"+addr+"/").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "Hello from a wasip1 guest! You are 127.0.0.1:") {
		t.Errorf("curl http://%s/: %v: %q", addr, err, out)
	}
	c.kill(t, "SIGTERM")
	if r := c.wait(t, 5*time.Second); r.code != 143 {
		t.Fatalf("want exit 143 after SIGTERM: %s", r)
	}
}

// `ctr task kill` (SIGTERM) stops a sleeping guest within 5 s, with exit
// status 143; the guest never wakes on its own.
func TestPodKillStopsSleepingGuest(t *testing.T) {
	c := startContainer(t, node{cacheDir: "none"}, idleImage(t), "idle: sleeping", nil, "/app.wasm")
	start := time.Now()
	c.kill(t, "SIGTERM")
	r := c.wait(t, 5*time.Second)
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	if r.code != 143 || strings.Contains(r.stdout, "idle: woke") {
		t.Fatalf("want exit 143 and no `idle: woke`: %s", r)
	}
}

// SIGKILL ends the container at once (137).
func TestPodSIGKILL(t *testing.T) {
	c := startContainer(t, node{cacheDir: "none"}, idleImage(t), "idle: sleeping", nil, "/app.wasm")
	c.kill(t, "SIGKILL")
	if r := c.wait(t, 5*time.Second); r.code != 137 {
		t.Fatalf("want exit 137: %s", r)
	}
}

// 20 start/stop cycles of a guest leave no process, mount, socket, state
// or cgroup behind.
func TestPodStartStopCyclesLeaveNothing(t *testing.T) {
	im := idleImage(t)
	for i := 0; i < 20; i++ {
		c := startContainer(t, node{cacheDir: "none"}, im, "idle: sleeping", nil, "/app.wasm")
		c.kill(t, "SIGTERM")
		if r := c.wait(t, 5*time.Second); r.code != 143 {
			t.Fatalf("cycle %d: want exit 143: %s", i+1, r)
		}
	}
	if found := ctd.settledLeftovers(); len(found) > 0 {
		t.Fatalf("10 s after 20 cycles:\n  %s", strings.Join(found, "\n  "))
	}
}
