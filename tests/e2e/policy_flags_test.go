package e2e

// How the network flags are written (docs/network-policy.md, "Flags"):
// only the bare --allow-net / --allow-listen grant everything; an empty
// rule, a near-miss of a named set or a rule for port 0 is a usage error
// before the guest starts; --deny-net needs '='.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An empty value, an empty item or white space never widens (nor, for
// --deny-net, silently drops) a rule: exit 2 and one line naming the flag,
// and the guest does not run. `--allow-net="$RULES"` with RULES unset
// used to allow everything.
func TestPolicyEmptyRulesAreUsageErrors(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "policy_probe")
	for _, c := range []struct{ flag, mention string }{
		{"--allow-net=", "--allow-net=: empty rule"},
		{"--allow-listen=", "--allow-listen=: empty rule"},
		{"--deny-net=", "--deny-net=: empty rule"},
		{"--allow-net=loopback,", "--allow-net=loopback,: empty rule"},
		{"--allow-net=,loopback", "--allow-net=,loopback: empty rule"},
		{"--allow-listen=,", "--allow-listen=,: empty rule"},
		{"--deny-net=private,,public", "--deny-net=private,,public: empty rule"},
		{"--allow-net= ", "white space"},
		{"--allow-net=loopback, public", "white space"},
		{"--allow-net={}", "--allow-net={}"}, // CLI11's "no value" spelling
	} {
		t.Run(c.flag, func(t *testing.T) {
			r := run(t, opts{}, "run", c.flag, g, "connect:127.0.0.1:1")
			expectOneLineError(t, r, exitUsage, c.mention)
		})
	}
}

// `--deny-net= --net-log FILE` used to take "--net-log" as the deny rule;
// an option written with '=' and nothing after it never takes the next
// word.
func TestPolicyEmptyValueDoesNotTakeTheNextWord(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "policy_probe")
	log := filepath.Join(t.TempDir(), "net.log")
	for _, flag := range []string{"--deny-net=", "--allow-unix=", "--net-policy="} {
		r := run(t, opts{}, "run", flag, "--net-log", log, g)
		expectOneLineError(t, r, exitUsage, flag)
	}
	r := run(t, opts{}, "run", "--net-log=", "--allow-net", g)
	expectOneLineError(t, r, exitUsage, "--net-log=: empty value")
	if _, err := os.Stat(log); err == nil {
		t.Errorf("a refused command line still opened the --net-log file")
	}
}

// The bare flags still grant everything, and the decision log names them
// `--allow-net=*`; a flag with rules is logged with its rules, never as *.
func TestPolicyBareFlagGrantsEverything(t *testing.T) {
	t.Parallel()
	peer := newReplyPeer(t, "tcp4", "127.0.0.1:0")
	type entry struct{ Decision, Op, Rule string }
	for _, c := range []struct {
		flags []string
		rule  string
	}{
		{[]string{"--allow-net"}, "--allow-net=*"},
		{[]string{"--allow-net=loopback"}, "--allow-net=loopback"},
		{[]string{"--allow-net=" + peer.addr()}, "--allow-net=" + peer.addr()},
	} {
		log := filepath.Join(t.TempDir(), "net.log")
		r := probe(t, opts{}, append(c.flags, "--net-log", log), "connect:"+peer.addr())
		expectLine(t, r.stdout, "connect "+peer.addr()+" ok hi", "stdout", r)
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		var rules []string
		for _, l := range lines(string(b)) {
			var e entry
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatalf("not a JSON line: %q: %v", l, err)
			}
			if e.Op == "connect" {
				rules = append(rules, e.Decision+" "+e.Rule)
			}
		}
		if len(rules) != 1 || rules[0] != "allow "+c.rule {
			t.Errorf("%v: connect decisions %q, want [\"allow %s\"]", c.flags, rules, c.rule)
		}
	}
	r := probe(t, opts{}, []string{"--allow-listen"}, "listen:127.0.0.1:0")
	if !strings.Contains(r.stdout, "listen 127.0.0.1:0 ok 127.0.0.1:") {
		t.Errorf("bare --allow-listen did not allow a listen\n%s", r)
	}
}

// --deny-net takes its rules after '=' like --allow-net: a separate word
// is never taken as a rule (`--deny-net app.wasm` used to deny a host
// named app.wasm and then ask for a module). The options that take a
// value as the next word still do.
func TestPolicyDenyNetNeedsEquals(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "policy_probe")
	r := run(t, opts{}, "run", "--deny-net", g)
	expectOneLineError(t, r, exitUsage, "--deny-net takes its rules after '=' (--deny-net=RULE,...)")
	r = run(t, opts{}, "run", "--deny-net", "private", g)
	expectOneLineError(t, r, exitUsage, "--deny-net takes its rules after '=' (--deny-net=private)")
	r = run(t, opts{}, "run", "--deny-net")
	expectOneLineError(t, r, exitUsage, "--deny-net takes its rules after '='")
	r = run(t, opts{}, "run", "--allow-listen", "loopback", g)
	expectOneLineError(t, r, exitUsage, "--allow-listen=loopback", `"loopback" is no program`)

	dir := t.TempDir()
	policy := writeFile(t, filepath.Join(dir, "p.json"), []byte(`{"allow-net": ["loopback"]}`))
	log := filepath.Join(dir, "net.log")
	r = probe(t, opts{}, []string{"--allow-unix", dir, "--net-policy", policy, "--net-log", log,
		"--deny-net=private"}, "connect:127.0.0.1:1")
	expectLine(t, r.stdout, "connect 127.0.0.1:1 errno=14", "stdout", r) // ECONNREFUSED: allowed, closed
	if b, err := os.ReadFile(log); err != nil || !strings.Contains(string(b), `"rule":"--allow-net=loopback"`) {
		t.Errorf("--net-log %s: %v\n%s", log, err, b)
	}
}

// A single-label name one or two slips from a named set is refused with
// the set it looks like; a final dot makes it a host name on purpose. The
// same in a policy file.
func TestPolicyNamedSetTypos(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "policy_probe")
	for _, c := range []struct{ rule, set string }{
		{"loopbak", "loopback"}, {"LOOPBACK", "loopback"}, {"privat", "private"},
		{"linklocal", "link-local"}, {"pubilc", "public"}, {"loopbak:443", "loopback"},
	} {
		r := run(t, opts{}, "run", "--allow-net="+c.rule, g)
		expectOneLineError(t, r, exitUsage, "--allow-net="+c.rule, "looks like the named set "+c.set,
			"final dot")
	}
	r := run(t, opts{}, "run", "--deny-net=privat", g)
	expectOneLineError(t, r, exitUsage, "--deny-net=privat", "private")

	// Written as a name: a host rule, which grants no address of its own.
	r = probe(t, opts{}, []string{"--allow-net=loopbak."}, "connect:127.0.0.1:1")
	expectLine(t, r.stdout, denied("connect 127.0.0.1:1"), "stdout", r)
	// Names that are not near a set are names.
	probe(t, opts{}, []string{"--allow-net=localhost,publish,privacy"})

	file := writeFile(t, filepath.Join(t.TempDir(), "p.toml"), []byte("allow-listen = [\"loopbak\"]\n"))
	r = run(t, opts{}, "run", "--net-policy", file, g)
	expectOneLineError(t, r, exitUsage, file, "looks like the named set loopback")
}

// A rule for port 0 alone is refused up front: a bind to port 0 listens
// on the port the system picks, which that rule would not cover (it used
// to allow the bind and refuse the listen on 127.0.0.1:46873).
func TestPolicyPortZeroRule(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "policy_probe")
	for _, c := range []struct{ flag, fix string }{
		{"--allow-listen=127.0.0.1:0", "write 127.0.0.1 for any port, or the exact port"},
		{"--allow-listen=[::1]:0", "write [::1] for any port"},
		{"--allow-net=loopback:0-0", "write loopback for any port"},
		{"--deny-net=10.0.0.0/8:0", "write 10.0.0.0/8 for any port"},
	} {
		r := run(t, opts{}, "run", c.flag, g)
		expectOneLineError(t, r, exitUsage, c.flag, "port 0 in a rule means no port", c.fix)
	}
	// A range from 0 is fine: it covers the bind to 0 and the ports in it.
	r := probe(t, opts{}, []string{"--allow-listen=127.0.0.1:0-65535"}, "listen:127.0.0.1:0")
	if !strings.Contains(r.stdout, "listen 127.0.0.1:0 ok 127.0.0.1:") {
		t.Errorf("--allow-listen=127.0.0.1:0-65535 did not allow a listen on port 0\n%s", r)
	}
}
