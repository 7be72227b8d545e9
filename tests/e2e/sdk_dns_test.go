package e2e

// Names through the Go SDK: its lookup functions ask the host's resolver,
// and after autohijack so does net.DefaultResolver. Only names the host's
// /etc/hosts answers, and names glibc turns down without asking anyone
// (unknownHost: '!' is no host name character), so no DNS query leaves
// the machine. (A well-formed name under .invalid is NOT safe: glibc sends
// it to the configured nameserver.)

import (
	"bufio"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
)

// loopbackAnswer checks a guest line "KIND ip ip...": the answers for a
// name the host's /etc/hosts maps to 127.0.0.1. They must include it and
// be loopback addresses only (a machine whose /etc/hosts also maps the
// name to ::1 answers both).
func loopbackAnswer(t *testing.T, line, kind string) {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != kind {
		t.Errorf("%q, want %s and addresses", line, kind)
		return
	}
	has := false
	for _, a := range f[1:] {
		ip := net.ParseIP(a)
		if ip == nil || !ip.IsLoopback() {
			t.Errorf("%q: %q is not a loopback address", line, a)
		}
		has = has || a == "127.0.0.1"
	}
	if !has {
		t.Errorf("%q lacks 127.0.0.1", line)
	}
}

// LookupHost, LookupIP and LookupPort answer as package net does natively
// here; a missing name or service is a *net.DNSError with IsNotFound.
func TestSDKLookups(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	exactly := func(want string) func(*testing.T, string) {
		return func(t *testing.T, got string) {
			if got != want {
				t.Errorf("%q, want %q", got, want)
			}
		}
	}
	loopback := func(kind string) func(*testing.T, string) {
		return func(t *testing.T, got string) { loopbackAnswer(t, got, kind) }
	}
	notFound := func(t *testing.T, got string) {
		if want := "error dnserror=true notfound=true: "; !strings.HasPrefix(got, want) {
			t.Errorf("%q, want %q...", got, want)
		}
	}
	cases := []struct {
		args  []string
		check func(*testing.T, string)
	}{
		{[]string{"lookuphost", "localhost"}, loopback("addrs")},
		{[]string{"lookupip", "ip", "localhost"}, loopback("ips")},
		{[]string{"lookupip", "ip4", "localhost"}, exactly("ips 127.0.0.1")},
		{[]string{"lookupip", "ip", "::1"}, exactly("ips ::1")},
		{[]string{"lookupport", "tcp", "http"}, exactly("port 80")},
		{[]string{"lookupport", "udp", "domain"}, exactly("port 53")},
		{[]string{"lookupport", "tcp", "8080"}, exactly("port 8080")},
		{[]string{"lookuphost", unknownHost}, notFound},
		{[]string{"lookupip", "ip", unknownHost}, notFound},
		{[]string{"lookupport", "tcp", "no-such-service"}, notFound},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			r := run(t, opts{}, sdkArgs(grantDNS, g, c.args...)...)
			expectCode(t, r, 0)
			if out := lines(r.stdout); len(out) != 1 {
				t.Errorf("want one line\n%s", r)
			} else {
				c.check(t, out[0])
			}
		})
	}
}

// hostsNames are the names the host's /etc/hosts maps to 127.0.0.1.
func hostsNames(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("/etc/hosts")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.SplitN(sc.Text(), "#", 2)[0])
		if len(fields) >= 2 && fields[0] == "127.0.0.1" {
			names = append(names, fields[1:]...)
		}
	}
	return names
}

// With autohijack, net.DefaultResolver goes through the host: with
// --no-dns-files the guest has no /etc/hosts or resolv.conf of its own,
// yet the names of the host's /etc/hosts resolve. The same lookup in a
// guest without autohijack fails (Go's resolver then has nothing to read
// and only the in-process fake network to send to), which shows that the
// answer came from the host.
func TestSDKAutohijackResolver(t *testing.T) {
	names := hostsNames(t)
	if !slices.Contains(names, "localhost") {
		t.Fatalf("the host's /etc/hosts does not map localhost to 127.0.0.1: %q", names)
	}
	hijacked := guest(t, "go", "sdk_http")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			r := run(t, opts{}, sdkArgs(concat([]string{"--no-dns-files"}, grantDNS), hijacked, "resolve", name)...)
			expectCode(t, r, 0)
			out := lines(r.stdout)
			if len(out) != 2 {
				t.Fatalf("want two lines\n%s", r)
			}
			loopbackAnswer(t, out[0], "addrs")
			loopbackAnswer(t, out[1], "ips")
		})
	}
	t.Run("control-without-autohijack", func(t *testing.T) {
		r := run(t, opts{}, sdkArgs(concat([]string{"--no-dns-files"}, grantDNS), guest(t, "go", "sdk_net"), "goresolver", "localhost")...)
		expectCode(t, r, 0)
		if !strings.HasPrefix(r.stdout, "error ") {
			t.Errorf("Go's own resolver resolved localhost with no /etc/hosts and no hijack: %q", r.stdout)
		}
	})
}
