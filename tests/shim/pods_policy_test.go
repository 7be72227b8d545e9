package shim

// Real guests in pods: the network policy a pod asks for through the
// reserved WASINET_* variables, under the node's ceiling.

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// peer is a native TCP server on the host's loopback (the pods run with
// --net-host): it reads what a client sends and answers "pong", then
// closes.
type peer struct {
	addr  string
	conns atomic.Int32
}

func startPeer(t *testing.T) *peer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	p := &peer{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(20 * time.Second))
				buf := make([]byte, 5)
				if _, err := io.ReadFull(c, buf); err == nil {
					c.Write([]byte("pong"))
				}
			}()
		}
	}()
	return p
}

// probeImage: policy_probe at /app.wasm, with a node policy of its own at
// the node's path that grants everything, which must never count.
func probeImage(t *testing.T) image {
	return image{
		name: "policy-probe",
		files: map[string][]byte{
			"app.wasm":                     guest(t, "policy_probe"),
			"etc/wasinet/node-policy.toml": []byte("allow-net = [\"*\"]\nallow-listen = true\n"),
		},
		entrypoint: []string{"/app.wasm"},
	}
}

// With no WASINET_* variable the guest has no network: its dial is refused
// (EACCES, WASI errno 2), the peer sees nothing, and the refusal is a line
// in the container's log.
func TestPodNoPolicyDialRefused(t *testing.T) {
	p := startPeer(t)
	r := runContainer(t, node{cacheDir: "none"}, probeImage(t), nil, "/app.wasm", "connect:"+p.addr)
	if r.code != 0 || !strings.Contains(r.stdout, "connect "+p.addr+" errno=2") {
		t.Fatalf("want exit 0 and `connect %s errno=2`: %s", p.addr, r)
	}
	if !strings.Contains(r.stderr, "wasinet: denied connect to "+p.addr) {
		t.Errorf("no denial line for %s in the container's log: %s", p.addr, r)
	}
	if n := p.conns.Load(); n != 0 {
		t.Errorf("the peer was reached %d times", n)
	}
}

// WASINET_ALLOW_NET lets the guest reach a native peer on the host, and no
// reserved variable reaches the guest's environment.
func TestPodAllowNetDialsNativePeer(t *testing.T) {
	p := startPeer(t)
	env := []string{"WASINET_ALLOW_NET=" + p.addr, "WASINET_DENY_NET=169.254.169.254", "WASINET_ALLOW_DNS=1", "KEPT=1"}
	r := runContainer(t, node{cacheDir: "none"}, probeImage(t), env, "/app.wasm", "connect:"+p.addr)
	if r.code != 0 || !strings.Contains(r.stdout, "connect "+p.addr+" ok pong") || p.conns.Load() != 1 {
		t.Fatalf("want exit 0, `connect %s ok pong` and one connection (got %d): %s", p.addr, p.conns.Load(), r)
	}
	probe := image{
		name:       "fd-probe",
		files:      map[string][]byte{"app.wasm": guest(t, "fd_probe")},
		entrypoint: []string{"/app.wasm"},
	}
	r = runContainer(t, node{cacheDir: "none"}, probe, env, "/app.wasm")
	if r.code != 0 || !strings.Contains(r.stdout, "env KEPT\n") {
		t.Fatalf("fd_probe: want exit 0 and `env KEPT`: %s", r)
	}
	if strings.Contains(r.stdout, "env WASINET_") {
		t.Fatalf("a reserved variable reached the guest: %s", r)
	}
}

// The node's ceiling (its file, read by the shim before the container
// exists) bounds the pod: neither WASINET_ALLOW_NET=*, nor a policy file
// in the image at the node's path, nor WASINET_NET_POLICY naming that file
// raises it.
func TestPodCannotRaiseNodeCeiling(t *testing.T) {
	inside, outside := startPeer(t), startPeer(t)
	policy := filepath.Join(t.TempDir(), "node-policy.toml")
	if err := os.WriteFile(policy, []byte(fmt.Sprintf("allow-net = [%q]\n", inside.addr)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"WASINET_ALLOW_NET=*", "WASINET_NET_POLICY=/etc/wasinet/node-policy.toml"}
	r := runContainer(t, node{policy: policy, cacheDir: "none"}, probeImage(t), env,
		"/app.wasm", "connect:"+inside.addr, "connect:"+outside.addr)
	if r.code != 0 || !strings.Contains(r.stdout, "connect "+inside.addr+" ok pong") ||
		!strings.Contains(r.stdout, "connect "+outside.addr+" errno=2") {
		t.Fatalf("want exit 0, %s reached and %s refused: %s", inside.addr, outside.addr, r)
	}
	if n := outside.conns.Load(); n != 0 {
		t.Errorf("the peer outside the ceiling was reached %d times", n)
	}
	// The refusal names the ceiling it came from (wasinet.h).
	denial := "wasinet: denied connect to " + outside.addr
	if i := strings.Index(r.stderr, denial); i < 0 || !strings.Contains(r.stderr[i:], policy) {
		t.Errorf("want a line %q naming %s: %s", denial, policy, r)
	}
}
