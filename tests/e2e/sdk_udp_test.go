package e2e

// The Go SDK's UDP sockets against native peers: 1000 datagrams each
// way, one in flight at a time, with every source address checked on the
// side that receives it.

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

const udpCount = 1000

// udpDatagram is datagram i of sdk_net/packet.go: its number, then 1 to
// 1400 pattern bytes.
func udpDatagram(i int) []byte {
	return append([]byte(fmt.Sprintf("%d:", i)), pattern(1+(i*37)%1400)...)
}

// A native peer sends 1000 datagrams to the guest's echo server (half
// answered through ReadFrom/WriteTo, half through the AddrPort methods);
// each echo must come from the guest's address, and the guest must name
// the native socket as the one source.
func TestSDKUDPEchoServer(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			p := startGuest(t, opts{}, sdkArgs(grantLoopback, g, "udpserver", lb.udp, lb.anyPort, fmt.Sprint(udpCount))...)
			addr := p.listening()
			guestAddr, err := net.ResolveUDPAddr(lb.udp, addr)
			if err != nil || guestAddr.Port == 0 || !guestAddr.IP.Equal(net.ParseIP(lb.host)) {
				t.Fatalf("guest listens on %q, want %s with a port", addr, lb.host)
			}
			c := listenUDPNative(t, lb.udp, lb.anyPort)
			buf := make([]byte, 2048)
			for i := 0; i < udpCount; i++ {
				d := udpDatagram(i)
				if _, err := c.WriteToUDP(d, guestAddr); err != nil {
					t.Fatalf("datagram %d: %v", i, err)
				}
				c.SetReadDeadline(time.Now().Add(peerTimeout))
				n, from, err := c.ReadFromUDP(buf)
				if err != nil {
					t.Fatalf("datagram %d: no echo: %v\n%s", i, err, p.output())
				}
				if from.String() != guestAddr.String() {
					t.Fatalf("datagram %d: echo from %s, want %s", i, from, guestAddr)
				}
				if !bytes.Equal(buf[:n], d) {
					t.Fatalf("datagram %d: echo of %d bytes differs from the %d sent", i, n, len(d))
				}
			}
			r := p.wait(peerTimeout)
			expectCode(t, r, 0)
			want := fmt.Sprintf("source %s count=%d", c.LocalAddr(), udpCount)
			if got := strings.Join(lines(r.stdout)[1:], "\n"); got != want {
				t.Errorf("guest saw sources %q, want %q", got, want)
			}
		})
	}
}

// The guest sends 1000 datagrams to a native echo peer, on a connected
// socket (Dial) and on an unconnected one (ListenPacket, WriteTo and
// WriteToUDPAddrPort); the guest checks each echo's source itself, the
// native peer checks that every datagram came from the address the guest
// reports as its own.
func TestSDKUDPClient(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	for _, lb := range loopbacks {
		for _, mode := range []string{"udpdial", "udpsendto"} {
			t.Run(lb.name+"/"+mode, func(t *testing.T) {
				srv := listenUDPNative(t, lb.udp, lb.anyPort)
				type outcome struct {
					sources map[string]int
					err     error
				}
				done := make(chan outcome, 1)
				go func() {
					o := outcome{sources: map[string]int{}}
					buf := make([]byte, 2048)
					for i := 0; i < udpCount; i++ {
						n, from, err := srv.ReadFromUDP(buf)
						if err != nil {
							o.err = fmt.Errorf("native echo, datagram %d: %w", i, err)
							break
						}
						o.sources[from.String()]++
						if !bytes.Equal(buf[:n], udpDatagram(i)) {
							o.err = fmt.Errorf("native echo: datagram %d has %d bytes, not the %d expected", i, n, len(udpDatagram(i)))
							break
						}
						if _, err := srv.WriteToUDP(buf[:n], from); err != nil {
							o.err = fmt.Errorf("native echo to %s: %w", from, err)
							break
						}
					}
					done <- o
				}()
				r := run(t, opts{}, sdkArgs(grantLoopback, g, mode, lb.udp, srv.LocalAddr().String(), fmt.Sprint(udpCount))...)
				expectCode(t, r, 0)
				var o outcome
				select {
				case o = <-done:
				case <-time.After(peerTimeout):
					t.Fatalf("the native echo did not finish\n%s", r)
				}
				if o.err != nil {
					t.Fatalf("%v\n%s", o.err, r)
				}
				first := lines(r.stdout)[0]
				local := field(t, first, "local")
				if mode == "udpdial" {
					if remote := field(t, first, "remote"); remote != srv.LocalAddr().String() {
						t.Errorf("guest's RemoteAddr %s, want %s", remote, srv.LocalAddr())
					}
				}
				if len(o.sources) != 1 || o.sources[local] != udpCount {
					t.Errorf("native peer saw sources %v, want all %d from %s (the guest's LocalAddr)", o.sources, udpCount, local)
				}
				want := fmt.Sprintf("ok %d", udpCount)
				if mode == "udpsendto" {
					want += " from=" + srv.LocalAddr().String()
				}
				if last := lines(r.stdout)[len(lines(r.stdout))-1]; last != want {
					t.Errorf("guest's last line %q, want %q\n%s", last, want, r)
				}
			})
		}
	}
}
