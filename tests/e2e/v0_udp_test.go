package e2e

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func listenUDPNative(t *testing.T, network, addr string) *net.UDPConn {
	t.Helper()
	a, err := net.ResolveUDPAddr(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.ListenUDP(network, a)
	if err != nil {
		t.Fatalf("native listen %s %s: %v", network, addr, err)
	}
	c.SetDeadline(time.Now().Add(guestStartTimeout))
	t.Cleanup(func() { c.Close() })
	return c
}

// A guest UDP server reports each datagram's true source and its echo
// comes back from the guest's address, over IPv4 and IPv6.
func TestV0UDPServer(t *testing.T) {
	gw := guest(t, "go", "v0_udp")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--allow-listen=loopback", "--allow-net=loopback", gw, "server", lb.anyPort, "2")
			addr := g.listening()
			guestAddr, err := net.ResolveUDPAddr(lb.udp, addr)
			if err != nil || guestAddr.Port == 0 {
				t.Fatalf("guest listens on %q", addr)
			}
			for _, size := range []int{5, 1200} {
				c := listenUDPNative(t, lb.udp, lb.anyPort)
				msg := pattern(size)
				if _, err := c.WriteToUDP(msg, guestAddr); err != nil {
					t.Fatal(err)
				}
				g.waitLine(fmt.Sprintf("from %s n=%d", c.LocalAddr(), size), peerTimeout)
				buf := make([]byte, 2048)
				n, from, err := c.ReadFromUDP(buf)
				if err != nil {
					t.Fatalf("no echo: %v\n%s", err, g.output())
				}
				if from.String() != guestAddr.String() || string(buf[:n]) != string(msg) {
					t.Errorf("echo of %d bytes from %s, want %d bytes from %s", n, from, size, guestAddr)
				}
			}
			expectCode(t, g.wait(peerTimeout), 0)
		})
	}
}

// A connected guest socket (Dial) and an unconnected one (WriteTo) talk to
// a native UDP peer; the guest's idea of its own address is what the
// peer sees, and replies arrive from the peer's address.
func TestV0UDPClient(t *testing.T) {
	gw := guest(t, "go", "v0_udp")
	for _, lb := range loopbacks {
		for _, mode := range []string{"client", "sendto"} {
			t.Run(lb.name+"/"+mode, func(t *testing.T) {
				srv := listenUDPNative(t, lb.udp, lb.anyPort)
				seen := make(chan string, 1)
				go func() {
					buf := make([]byte, 2048)
					n, from, err := srv.ReadFromUDP(buf)
					if err != nil {
						seen <- "error: " + err.Error()
						return
					}
					seen <- fmt.Sprintf("%s %s", from, buf[:n])
					srv.WriteToUDP([]byte("pong"), from)
				}()
				// sendto binds 127.0.0.1:0 to get the reply: an inbound grant.
				args := []string{"run", "--allow-net=loopback"}
				if mode == "sendto" {
					args = append(args, "--allow-listen=loopback")
				}
				r := run(t, opts{}, append(args, gw, mode, srv.LocalAddr().String())...)
				expectCode(t, r, 0)
				got := <-seen
				src, text, _ := strings.Cut(got, " ")
				if text != "ping from the guest" {
					t.Fatalf("native peer got %q\n%s", got, r)
				}
				var want []string
				if mode == "client" {
					want = []string{fmt.Sprintf("local=%s remote=%s", src, srv.LocalAddr()), "reply pong"}
				} else {
					want = []string{"local " + src, fmt.Sprintf("reply from %s pong", srv.LocalAddr())}
				}
				if got := lines(r.stdout); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("stdout %q, want %q\n%s", got, want, r)
				}
			})
		}
	}
}
