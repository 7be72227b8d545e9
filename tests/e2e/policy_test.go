package e2e

// The network policy through the real CLI (docs/network-policy.md): the
// policy_probe guest makes one call per argument and prints the errno it
// got; native peers on loopback count what reached them, so a refusal that
// let traffic through fails the test. Every address here is loopback.

import (
	"encoding/json"
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

// The WASI errno of every policy refusal.
const wasiEACCES = 2

// replyPeer is a native TCP server that answers "hi" to each connection
// and counts them.
type replyPeer struct {
	l     net.Listener
	conns atomic.Int32
}

func newReplyPeer(t *testing.T, network, addr string) *replyPeer {
	t.Helper()
	p := &replyPeer{l: listenNative(t, network, addr)}
	go func() {
		for {
			c, err := p.l.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(peerTimeout))
				buf := make([]byte, 5)
				if _, err := io.ReadFull(c, buf); err == nil {
					c.Write([]byte("hi"))
				}
			}()
		}
	}()
	return p
}

func (p *replyPeer) addr() string { return p.l.Addr().String() }
func (p *replyPeer) port() string { return p.addr()[strings.LastIndex(p.addr(), ":")+1:] }

// probe runs policy_probe under `wasinet run FLAGS...` with the steps.
func probe(t *testing.T, o opts, flags []string, steps ...string) result {
	t.Helper()
	args := append([]string{"run"}, flags...)
	args = append(args, guest(t, "go", "policy_probe"))
	r := run(t, o, append(args, steps...)...)
	expectCode(t, r, 0)
	return r
}

func expectLine(t *testing.T, text, line, what string, r result) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return
		}
	}
	t.Errorf("%s lacks the line %q\n%s", what, line, r)
}

func denied(step string) string { return fmt.Sprintf("%s errno=%d", step, wasiEACCES) }

// With no network flag every network call is refused with EACCES and
// reaches nothing, each naming what it tried; files work as before.
func TestPolicyDefaultDeniesEveryNetworkCall(t *testing.T) {
	peer := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	udp := listenUDPNative(t, "udp4", "127.0.0.1:0")
	work := t.TempDir()
	os.Mkdir(filepath.Join(work, "run"), 0o755)
	r := probe(t, opts{dir: work}, []string{"--dir", ".::/data"},
		"file:/data/kept.txt",
		"connect:"+peer.addr(),
		"listen:127.0.0.1:0",
		"bind:127.0.0.1:0",
		"sendto:127.0.0.1:0>"+udp.LocalAddr().String(),
		"lookup:localhost",
		"unix:/data/run/app.sock")
	expectLine(t, r.stdout, "file /data/kept.txt ok kept", "stdout", r)
	for _, step := range []string{"connect " + peer.addr(), "listen 127.0.0.1:0", "bind 127.0.0.1:0",
		"lookup localhost", "unix /data/run/app.sock"} {
		expectLine(t, r.stdout, denied(step), "stdout", r)
	}
	expectLine(t, r.stdout, "sendto 127.0.0.1:0>"+udp.LocalAddr().String()+" bind "+fmt.Sprintf("errno=%d", wasiEACCES), "stdout", r)
	for _, line := range []string{
		"wasinet: denied connect to " + peer.addr() + " (no --allow-net rule matches)",
		"wasinet: denied bind to 127.0.0.1:0 (no --allow-listen rule matches)",
		"wasinet: denied lookup of localhost (no --allow-net name rule matches; --allow-dns allows every lookup)",
		"wasinet: denied connect to /data/run/app.sock (host " + filepath.Join(work, "run", "app.sock") +
			") (no --allow-unix path holds it)",
	} {
		expectLine(t, r.stderr, line, "stderr", r)
	}
	if n := peer.conns.Load(); n != 0 {
		t.Errorf("the native peer saw %d connections, want none", n)
	}
	if b, err := os.ReadFile(filepath.Join(work, "kept.txt")); err != nil || string(b) != "kept" {
		t.Errorf("the guest's file on the host: %q, %v", b, err)
	}
}

// Connects: a rule's port range, the unspecified address as a target
// (the kernel takes 0.0.0.0 as loopback, and so does the policy), a port
// outside the rule, and a deny rule inside an allowed set.
func TestPolicyConnect(t *testing.T) {
	allowed := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	other := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	v6 := newReplyPeer(t, "tcp6", "[::1]:0")

	t.Run("rule", func(t *testing.T) {
		r := probe(t, opts{}, []string{"--allow-net=127.0.0.1:" + allowed.port() + "-" + allowed.port()},
			"connect:"+allowed.addr(), "connect:0.0.0.0:"+allowed.port(), "connect:"+other.addr(),
			"connect:"+v6.addr())
		expectLine(t, r.stdout, "connect "+allowed.addr()+" ok hi", "stdout", r)
		expectLine(t, r.stdout, "connect 0.0.0.0:"+allowed.port()+" ok hi", "stdout", r)
		expectLine(t, r.stdout, denied("connect "+other.addr()), "stdout", r)
		expectLine(t, r.stdout, denied("connect "+v6.addr()), "stdout", r)
		expectLine(t, r.stderr, "wasinet: denied connect to "+other.addr()+" (no --allow-net rule matches)", "stderr", r)
		if n := other.conns.Load(); n != 0 {
			t.Errorf("a denied peer saw %d connections", n)
		}
		if n := allowed.conns.Load(); n != 2 {
			t.Errorf("the allowed peer saw %d connections, want 2", n)
		}
	})
	t.Run("deny wins", func(t *testing.T) {
		r := probe(t, opts{}, []string{"--allow-net=loopback", "--deny-net=127.0.0.1:" + other.port()},
			"connect:"+other.addr(), "connect:"+v6.addr())
		expectLine(t, r.stdout, denied("connect "+other.addr()), "stdout", r)
		expectLine(t, r.stdout, "connect "+v6.addr()+" ok hi", "stdout", r)
		expectLine(t, r.stderr, fmt.Sprintf("wasinet: denied connect to %s (denied by --deny-net=127.0.0.1:%s)",
			other.addr(), other.port()), "stderr", r)
		if n := other.conns.Load(); n != 0 {
			t.Errorf("a denied peer saw %d connections", n)
		}
	})
}

// bind and listen are inbound: --allow-net does not grant them. A rule
// that covers port 0 allows a bind to port 0 (the kernel chooses), and
// listen is then judged on the port it chose.
func TestPolicyBindAndListen(t *testing.T) {
	r := probe(t, opts{}, []string{"--allow-net=loopback"}, "listen:127.0.0.1:0")
	expectLine(t, r.stdout, denied("listen 127.0.0.1:0"), "stdout", r)
	expectLine(t, r.stderr, "wasinet: denied bind to 127.0.0.1:0 (no --allow-listen rule matches)", "stderr", r)

	r = probe(t, opts{}, []string{"--allow-listen=loopback"}, "listen:127.0.0.1:0", "listen:[::1]:0",
		"listen:0.0.0.0:0", "bind:127.0.0.1:0")
	for _, prefix := range []string{"listen 127.0.0.1:0 ok 127.0.0.1:", "listen [::1]:0 ok [::1]:",
		"bind 127.0.0.1:0 ok 127.0.0.1:"} {
		if !strings.Contains(r.stdout, prefix) {
			t.Errorf("stdout lacks %q\n%s", prefix, r)
		}
	}
	expectLine(t, r.stdout, denied("listen 0.0.0.0:0"), "stdout", r)
	expectLine(t, r.stderr, "wasinet: denied bind to 0.0.0.0:0 (no --allow-listen rule matches)", "stderr", r)

	// A range from 0 allows the bind; the listen is judged on the port the
	// kernel chose. (A rule for port 0 alone is refused: policy_flags_test.go.)
	r = probe(t, opts{}, []string{"--allow-listen=127.0.0.1:0-1"}, "listen:127.0.0.1:0")
	expectLine(t, r.stdout, denied("listen 127.0.0.1:0"), "stdout", r)
	if !strings.Contains(r.stderr, "wasinet: denied listen on 127.0.0.1:") ||
		!strings.Contains(r.stderr, "(no --allow-listen rule matches)") {
		t.Errorf("stderr lacks the listen refusal\n%s", r)
	}
}

// UDP send_to is outbound: allowed to the rule's peer (which receives the
// datagram), refused elsewhere (which receives nothing).
func TestPolicyUDPSendTo(t *testing.T) {
	allowed := listenUDPNative(t, "udp4", "127.0.0.1:0")
	other := listenUDPNative(t, "udp4", "127.0.0.1:0")
	r := probe(t, opts{}, []string{"--allow-listen=loopback", "--allow-net=" + allowed.LocalAddr().String()},
		"sendto:127.0.0.1:0>"+allowed.LocalAddr().String(), "sendto:127.0.0.1:0>"+other.LocalAddr().String())
	expectLine(t, r.stdout, "sendto 127.0.0.1:0>"+allowed.LocalAddr().String()+" ok", "stdout", r)
	expectLine(t, r.stdout, denied("sendto 127.0.0.1:0>"+other.LocalAddr().String()), "stdout", r)
	expectLine(t, r.stderr, "wasinet: denied send to "+other.LocalAddr().String()+" (no --allow-net rule matches)",
		"stderr", r)
	buf := make([]byte, 64)
	allowed.SetReadDeadline(time.Now().Add(peerTimeout))
	if n, _, err := allowed.ReadFrom(buf); err != nil || string(buf[:n]) != "ping" {
		t.Errorf("the allowed peer got %q, %v", buf[:n], err)
	}
	// The guest has exited: anything it sent has arrived by now.
	other.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _, err := other.ReadFrom(buf); err == nil {
		t.Errorf("the denied peer received %q", buf[:n])
	}
}

// Names: a lookup needs a name rule (or --allow-dns), and a name rule
// reaches an address only after this guest resolved the name to it.
func TestPolicyDNSAndPinning(t *testing.T) {
	peer := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	r := probe(t, opts{}, []string{"--allow-net=localhost:" + peer.port()},
		"connect:"+peer.addr(), "lookup:localhost", "connect:"+peer.addr(), "lookup:nosuch!host.invalid")
	out := lines(r.stdout)
	if len(out) != 4 {
		t.Fatalf("want 4 lines\n%s", r)
	}
	if out[0] != denied("connect "+peer.addr()) {
		t.Errorf("before the lookup: %q, want a refusal\n%s", out[0], r)
	}
	if !strings.HasPrefix(out[1], "lookup localhost ok ") || !strings.Contains(out[1], "127.0.0.1") {
		t.Errorf("lookup: %q\n%s", out[1], r)
	}
	if out[2] != "connect "+peer.addr()+" ok hi" {
		t.Errorf("after the lookup: %q, want the reply\n%s", out[2], r)
	}
	if out[3] != denied("lookup nosuch!host.invalid") {
		t.Errorf("a name no rule allows: %q\n%s", out[3], r)
	}
	expectLine(t, r.stderr, "wasinet: denied connect to "+peer.addr()+" (no --allow-net rule matches)", "stderr", r)
	expectLine(t, r.stderr, "wasinet: denied lookup of nosuch!host.invalid (no --allow-net name rule matches; "+
		"--allow-dns allows every lookup)", "stderr", r)

	// dial resolves through the host and connects to what it was told.
	r = probe(t, opts{}, []string{"--allow-net=localhost"}, "dial:localhost:"+peer.port())
	expectLine(t, r.stdout, "dial localhost:"+peer.port()+" ok hi", "stdout", r)

	// --allow-dns resolves any name and grants no address.
	r = probe(t, opts{}, []string{"--allow-dns"}, "lookup:localhost", "dial:localhost:"+peer.port())
	if !strings.HasPrefix(lines(r.stdout)[0], "lookup localhost ok ") {
		t.Errorf("--allow-dns lookup\n%s", r)
	}
	expectLine(t, r.stdout, denied("dial localhost:"+peer.port()), "stdout", r)
}

// unix sockets: --allow-unix grants host paths; a guest path is judged by
// where it leads on the host, so a symlink out of the granted directory
// does not get out.
func TestPolicyUnix(t *testing.T) {
	work := t.TempDir()
	for _, d := range []string{"run/ok", "run/other"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	okPeer := newReplyPeer(t, "unix", filepath.Join(work, "run/ok/app.sock"))
	otherPeer := newReplyPeer(t, "unix", filepath.Join(work, "run/other/db.sock"))
	if err := os.Symlink("../other/db.sock", filepath.Join(work, "run/ok/link.sock")); err != nil {
		t.Fatal(err)
	}
	r := probe(t, opts{dir: work}, []string{"--dir", "run::/run", "--allow-unix=" + filepath.Join(work, "run/ok")},
		"unix:/run/ok/app.sock", "unix:/run/other/db.sock", "unix:/run/ok/link.sock", "unix:/run/ok/none.sock")
	expectLine(t, r.stdout, "unix /run/ok/app.sock ok hi", "stdout", r)
	expectLine(t, r.stdout, denied("unix /run/other/db.sock"), "stdout", r)
	expectLine(t, r.stdout, denied("unix /run/ok/link.sock"), "stdout", r)
	// Inside the grant a missing socket is the usual "no such file".
	expectLine(t, r.stdout, fmt.Sprintf("unix /run/ok/none.sock errno=%d", wasiENOENT), "stdout", r)
	expectLine(t, r.stderr, "wasinet: denied connect to /run/other/db.sock (host "+
		filepath.Join(work, "run/other/db.sock")+") (no --allow-unix path holds it)", "stderr", r)
	expectLine(t, r.stderr, "wasinet: denied connect to /run/ok/link.sock (host "+
		filepath.Join(work, "run/other/db.sock")+") (no --allow-unix path holds it)", "stderr", r)
	if n := otherPeer.conns.Load(); n != 0 {
		t.Errorf("the peer outside the grant saw %d connections", n)
	}
	if n := okPeer.conns.Load(); n != 1 {
		t.Errorf("the granted peer saw %d connections, want 1", n)
	}
}

// An accepted peer is allowed unless a deny rule matches it: the host
// drops that connection and the guest's accept goes on to the next.
func TestPolicyAcceptedPeerDenied(t *testing.T) {
	g := startGuest(t, opts{}, "run", "--allow-listen=127.0.0.1", "--deny-net=127.0.0.2",
		guest(t, "go", "v0_tcp"), "server", "127.0.0.1:0", "1")
	addr := g.listening()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: peerTimeout}
	refused, err := d.Dial("tcp4", addr)
	if err != nil {
		t.Fatalf("native dial from 127.0.0.2: %v", err)
	}
	defer refused.Close()
	refused.SetDeadline(time.Now().Add(peerTimeout))
	if b, err := io.ReadAll(refused); len(b) != 0 {
		t.Errorf("the denied peer read %q, %v", b, err)
	}
	c := dialNative(t, "tcp4", addr)
	if err := exchange(c, pattern(1<<10)); err != nil {
		t.Fatalf("allowed peer: %v\n%s", err, g.output())
	}
	r := g.wait(peerTimeout)
	expectCode(t, r, 0)
	want := fmt.Sprintf("wasinet: denied accept from %s (denied by --deny-net=127.0.0.2)", refused.LocalAddr())
	expectLine(t, r.stderr, want, "stderr", r)
	if strings.Contains(r.stdout, "peer="+refused.LocalAddr().String()) {
		t.Errorf("the guest saw the denied peer\n%s", r)
	}
}

// A --listen socket is the operator's own grant: it needs no other flag
// (listen_test.go runs every --listen guest without one), but a deny rule
// still refuses it, before the guest starts.
func TestPolicyListenFlagObeysDeny(t *testing.T) {
	r := run(t, opts{}, "run", "--deny-net=loopback", "--listen", "tcp://127.0.0.1:0",
		guest(t, "c", "listen_accept"), "3")
	if r.code != 125 || !strings.Contains(r.stderr,
		"wasinet: denied listen on 127.0.0.1:0 (denied by --deny-net=loopback)\n") {
		t.Errorf("want exit 125 naming the deny rule\n%s", r)
	}
}

// --net-log records every decision, allowed or denied, one JSON object a
// line.
func TestPolicyNetLog(t *testing.T) {
	peer := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	other := closedPort(t, "tcp4", "127.0.0.1")
	log := filepath.Join(t.TempDir(), "net.log")
	r := probe(t, opts{}, []string{"--allow-net=" + peer.addr(), "--net-log", log},
		"connect:"+peer.addr(), "connect:"+other, "lookup:localhost")
	_ = r
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		Time, Decision, Op, Address, Rule, Reason, Errno, Name string
	}
	var got []entry
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var e entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, e.Time); err != nil {
			t.Errorf("time %q: %v", e.Time, err)
		}
		if e.Op != "open" {
			got = append(got, e)
		}
	}
	want := []entry{
		{Decision: "allow", Op: "connect", Address: peer.addr(), Rule: "--allow-net=" + peer.addr()},
		{Decision: "deny", Op: "connect", Address: other, Reason: "no --allow-net rule matches", Errno: "EACCES"},
		{Decision: "deny", Op: "resolve", Name: "localhost",
			Reason: "no --allow-net name rule matches; --allow-dns allows every lookup", Errno: "EACCES"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d decisions besides open, want %d:\n%s", len(got), len(want), b)
	}
	for i := range want {
		got[i].Time = ""
		if got[i] != want[i] {
			t.Errorf("decision %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// --net-policy: the same rules from a TOML or a JSON file.
func TestPolicyFile(t *testing.T) {
	peer := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	dir := t.TempDir()
	files := map[string]string{
		"policy.toml": fmt.Sprintf("allow-net = [\"127.0.0.1:%s\"]\ndeny-net = [\"10.0.0.0/8\"]\n", peer.port()),
		"policy.json": fmt.Sprintf(`{"allow-net": ["127.0.0.1:%s"], "allow-dns": false}`, peer.port()),
	}
	for name, text := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			r := probe(t, opts{}, []string{"--net-policy", path}, "connect:"+peer.addr(), "listen:127.0.0.1:0")
			expectLine(t, r.stdout, "connect "+peer.addr()+" ok hi", "stdout", r)
			expectLine(t, r.stdout, denied("listen 127.0.0.1:0"), "stdout", r)
		})
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("allow-net = [\"10.0.0.0/33\"]\n"), 0o644)
	r := run(t, opts{}, "run", "--net-policy", bad, guest(t, "go", "policy_probe"))
	expectOneLineError(t, r, 2, bad, "10.0.0.0/33", "prefix length")
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"allow_net": ["loopback"]}`), 0o644)
	r = run(t, opts{}, "run", "--net-policy", unknown, guest(t, "go", "policy_probe"))
	expectOneLineError(t, r, 2, "unknown key \"allow_net\"")
}

// A malformed rule is a usage error naming the flag and the rule.
func TestPolicyMalformedFlags(t *testing.T) {
	g := guest(t, "go", "policy_probe")
	for _, c := range []struct{ flag, mention string }{
		{"--allow-net=10.0.0.0/33", "prefix length"},
		{"--allow-net=loopback,,public", "empty rule"},
		{"--deny-net=10.1.2.3/8", "did you mean 10.0.0.0/8"},
		{"--allow-listen=127.0.0.1:70000", "out of range"},
		{"--allow-net=127.0.0.1:90-80", "empty"},
		{"--allow-net=foo.*.example", "'*'"},
		{"--allow-net=[::1", "missing ']'"},
	} {
		t.Run(c.flag, func(t *testing.T) {
			r := run(t, opts{}, "run", c.flag, g)
			expectOneLineError(t, r, 2, "wasinet: --", c.mention)
		})
	}
	// The value of --allow-net goes after '=': a second word is the program.
	r := run(t, opts{}, "run", "--allow-net", "loopback", g)
	expectOneLineError(t, r, 2, "--allow-net=loopback", `"loopback" is no program`)
}

// Through the Go SDK a refused lookup is a *net.DNSError that says so and
// is not "not found" (the host's EACCES), and a name rule lets the SDK
// resolve the name.
func TestPolicySDKLookup(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	r := run(t, opts{}, "run", g, "lookuphost", "localhost")
	if !strings.Contains(r.stdout, "dnserror=true notfound=false") ||
		!strings.Contains(r.stdout, "refused by the host's network policy") {
		t.Errorf("want a DNSError naming the policy, not found false\n%s", r)
	}
	expectLine(t, r.stderr, "wasinet: denied lookup of localhost (no --allow-net name rule matches; "+
		"--allow-dns allows every lookup)", "stderr", r)

	r = run(t, opts{}, "run", "--allow-net=localhost", g, "lookuphost", "localhost")
	expectCode(t, r, 0)
	if !strings.Contains(r.stdout, "127.0.0.1") {
		t.Errorf("localhost did not resolve under --allow-net=localhost\n%s", r)
	}
}
