package e2e

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

// WASI errno numbers the guests print.
const (
	wasiENOENT       = 44
	wasiECONNREFUSED = 14
	wasiETIMEDOUT    = 73
)

// An unknown name that glibc turns down itself ('!' is not allowed in a
// host name), so the test sends no DNS query off the machine.
const unknownHost = "nosuch!host.invalid"

// sock_getaddrip and sock_getaddrport as the existing library calls them:
// localhost resolves (IPv4 answers as ::ffff:a.b.c.d, which the guest
// prints as a.b.c.d), an unknown name is ENOENT ("no such host", not
// EINVAL), and service names resolve ("http" → 80).
func TestV0DNSLookups(t *testing.T) {
	g := guest(t, "go", "v0_dns")
	cases := []struct {
		args    []string
		want    []string // lines that must appear
		exactly bool     // and nothing else
	}{
		{[]string{"ip", "ip", "localhost"}, []string{"ip 127.0.0.1"}, false},
		{[]string{"ip", "ip4", "localhost"}, []string{"ip 127.0.0.1"}, true},
		{[]string{"ip", "ip", "127.0.0.1"}, []string{"ip 127.0.0.1"}, true},
		{[]string{"ip", "ip", "::1"}, []string{"ip ::1"}, true},
		{[]string{"ip", "ip", unknownHost}, []string{fmt.Sprintf("error errno=%d", wasiENOENT)}, true},
		{[]string{"port", "tcp", "http"}, []string{"port 80"}, true},
		{[]string{"port", "udp", "domain"}, []string{"port 53"}, true},
		{[]string{"port", "tcp", "no-such-service"}, []string{fmt.Sprintf("error errno=%d", wasiENOENT)}, true},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			r := run(t, opts{}, append([]string{"run", "--allow-dns", g}, c.args...)...)
			expectCode(t, r, 0)
			got := lines(r.stdout)
			if c.exactly && strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("stdout %q, want %q\n%s", got, c.want, r)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stdout, w+"\n") {
					t.Errorf("stdout lacks %q\n%s", w, r)
				}
			}
		})
	}
}

// Dial("tcp", "localhost:PORT") resolves the name through the host and
// reaches a native server on 127.0.0.1.
func TestV0DNSDialByName(t *testing.T) {
	g := guest(t, "go", "v0_dns")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	serveOne(t, l, func(c net.Conn) {
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err == nil && string(buf) == "hello" {
			c.Write([]byte("hi guest"))
		}
		c.Close()
	})
	port := l.Addr().String()[strings.LastIndex(l.Addr().String(), ":")+1:]
	r := run(t, opts{}, "run", "--allow-net=localhost", g, "dial", "localhost:"+port)
	expectCode(t, r, 0)
	expectStdout(t, r, fmt.Sprintf("remote=%s\nreply hi guest\n", l.Addr()))
}

// Names, the library's other path: after its autohijack, net.Lookup* run
// Go's own resolver, which reads /etc/hosts (and /etc/resolv.conf) inside
// the guest; the host shows a guest granted names those files, so
// localhost resolves. A guest granted nothing has no /etc at all.
func TestV0DNSGoResolverSeesEtcHosts(t *testing.T) {
	g := guest(t, "go", "v0_dns")
	r := run(t, opts{}, "run", "--allow-dns", g, "goresolver", "localhost")
	expectCode(t, r, 0)
	if !strings.Contains(r.stdout, "host 127.0.0.1\n") {
		t.Errorf("localhost did not resolve through the guest's /etc/hosts\n%s", r)
	}
	r = run(t, opts{}, "run", g, "goresolver", "localhost")
	if strings.Contains(r.stdout, "host 127.0.0.1\n") {
		t.Errorf("a guest granted no names resolved localhost: it was shown /etc/hosts\n%s", r)
	}
}
