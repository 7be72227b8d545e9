package e2e

// Go programs built against the existing Go guest library for wasinet_v0
// must run unchanged. The v0_* guests make exactly that library's host
// calls (tests/guests/go/internal/v0guest); every test pairs one with a
// native peer on loopback.

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// The guest dials a native echo peer over IPv4 and IPv6, sends 1 KiB and
// 1 MiB in one Write each, and gets them back; both ends agree on both
// addresses.
func TestV0TCPClient(t *testing.T) {
	g := guest(t, "go", "v0_tcp")
	for _, lb := range loopbacks {
		for _, size := range []int{1 << 10, 1 << 20} {
			t.Run(fmt.Sprintf("%s/%d", lb.name, size), func(t *testing.T) {
				l := listenNative(t, lb.tcp, lb.anyPort)
				conns := acceptAsync(t, l, 1)
				served := make(chan error, 1)
				var peer net.Addr
				go func() {
					a := <-conns
					if a.err != nil {
						served <- a.err
						return
					}
					peer = a.conn.RemoteAddr()
					// Read everything first: the guest writes it all before reading.
					got := make([]byte, size)
					if _, err := io.ReadFull(a.conn, got); err != nil {
						served <- fmt.Errorf("native read: %w", err)
						return
					}
					if !bytes.Equal(got, pattern(size)) {
						served <- fmt.Errorf("native side received other bytes than the pattern")
						return
					}
					_, err := a.conn.Write(got)
					a.conn.Close()
					served <- err
				}()
				r := run(t, opts{}, "run", "--allow-net=loopback", g, "client", l.Addr().String(), fmt.Sprint(size))
				expectCode(t, r, 0)
				if err := <-served; err != nil {
					t.Fatalf("%v\n%s", err, r)
				}
				out := lines(r.stdout)
				want := []string{
					fmt.Sprintf("local=%s remote=%s", peer, l.Addr()),
					fmt.Sprintf("ok %d %s", size, sum(pattern(size))),
				}
				if strings.Join(out, "\n") != strings.Join(want, "\n") {
					t.Errorf("stdout %q, want %q\n%s", out, want, r)
				}
			})
		}
	}
}

// A guest that reads before its peer writes waits for the data (the
// existing host handed out blocking sockets here and hung).
func TestV0TCPReadBeforePeerWrites(t *testing.T) {
	g := guest(t, "go", "v0_tcp")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	serveOne(t, l, func(c net.Conn) {
		time.Sleep(300 * time.Millisecond)
		c.Write(pattern(1000))
		c.Close()
	})
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "readfirst", l.Addr().String())
	expectCode(t, r, 0)
	expectStdout(t, r, fmt.Sprintf("read 1000 %s\n", sum(pattern(1000))))
}

// A guest server on IPv4 and IPv6 serves three native clients at once: the
// first connects and stays silent while the others exchange 1 KiB and
// 1 MiB; an accepted conn that waits must not stall the guest.
func TestV0TCPServer(t *testing.T) {
	gw := guest(t, "go", "v0_tcp")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", gw, "server", lb.anyPort, "3")
			addr := g.listening()
			ta, err := net.ResolveTCPAddr(lb.tcp, addr)
			if err != nil || !ta.IP.Equal(net.ParseIP(lb.host)) || ta.Port == 0 {
				t.Fatalf("guest listens on %q, want %s with a port", addr, lb.host)
			}
			silent := dialNative(t, lb.tcp, addr)
			g.waitLine("accepted peer="+silent.LocalAddr().String()+" local="+addr, peerTimeout)
			for _, size := range []int{1 << 10, 1 << 20} {
				c := dialNative(t, lb.tcp, addr)
				if err := exchange(c, pattern(size)); err != nil {
					t.Fatalf("%d bytes while another client is silent: %v\n%s", size, err, g.output())
				}
			}
			if err := exchange(silent, pattern(1<<10)); err != nil {
				t.Fatalf("the first client, at last: %v\n%s", err, g.output())
			}
			r := g.wait(peerTimeout)
			expectCode(t, r, 0)
			for _, want := range []string{
				"done peer=" + silent.LocalAddr().String() + " bytes=1024",
			} {
				if !strings.Contains(r.stdout, want+"\n") {
					t.Errorf("stdout lacks %q\n%s", want, r)
				}
			}
			if n := strings.Count(r.stdout, "done peer="); n != 3 {
				t.Errorf("%d connections done, want 3\n%s", n, r)
			}
		})
	}
}

// A listener and a dialer in one guest exchange 1 KiB through the host
// (the existing host's blocking accepted sockets hung here); a native
// client then uses the same listener, which shows it is a real socket.
func TestV0TCPEchoWithinOneGuest(t *testing.T) {
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", "--allow-net=loopback", guest(t, "go", "v0_tcp"), "selfecho", "127.0.0.1:0")
	addr := g.listening()
	g.waitLine("self ok", peerTimeout)
	if err := exchange(dialNative(t, "tcp4", addr), pattern(1<<10)); err != nil {
		t.Fatalf("native client: %v\n%s", err, g.output())
	}
	expectCode(t, g.wait(peerTimeout), 0)
}
