package e2e

// An unmodified Go client built with `wasinet go build` (tests/overlay/
// guests/netclient) against native peers: TCP, UDP and unix echo servers
// over IPv4 and IPv6, a closed port, a connect that never completes; and
// what the network policy's refusals look like to it.

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// echoStream serves io.Copy echo on every conn l accepts until the test
// ends; a half-close from the client ends the echo and the conn.
func echoStream(t *testing.T, l net.Listener) {
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(peerTimeout))
				io.Copy(c, c)
			}()
		}
	}()
}

// echoPacket answers each datagram to its sender until the test ends.
func echoPacket(t *testing.T, network, addr string) string {
	t.Helper()
	pc, err := net.ListenPacket(network, addr)
	if err != nil {
		t.Fatalf("native %s %s: %v", network, addr, err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
	return pc.LocalAddr().String()
}

var netclientChecks = []string{
	"dial-tcp4", "dial-tcp6", "dialtimeout", "read-deadline", "dial-udp4", "dial-udp6", "udp-packetconn",
	"dial-unix", "unixgram", "refused", "connect-timeout", "connect-cancel", "lookup-localhost", "resolver",
	"tcpconn-options", "dialer-control", "own-listener", "own-unix-listener",
}

func TestOverlayNetClientAgainstNativePeers(t *testing.T) {
	forEachRelease(t, func(t *testing.T, r goRelease) {
		w := overlayGuest(t, r, "./guests/netclient")
		tcp4 := listenNative(t, "tcp4", "127.0.0.1:0")
		tcp6 := listenNative(t, "tcp6", "[::1]:0")
		echoStream(t, tcp4)
		echoStream(t, tcp6)
		dir := shortTempDir(t)
		unixL := listenNative(t, "unix", filepath.Join(dir, "echo.sock"))
		echoStream(t, unixL)
		echoPacket(t, "unixgram", filepath.Join(dir, "echo.dgram"))

		res := run(t, opts{},
			"run", "--allow-net=loopback", "--allow-listen=loopback", "--allow-dns",
			"--dir", dir+"::/sock", "--allow-unix="+dir, w,
			"-tcp4", tcp4.Addr().String(), "-tcp6", tcp6.Addr().String(),
			"-udp4", echoPacket(t, "udp4", "127.0.0.1:0"), "-udp6", echoPacket(t, "udp6", "[::1]:0"),
			"-unix", "/sock/echo.sock", "-unixgram", "/sock/echo.dgram",
			"-closed", closedPort(t, "tcp4", "127.0.0.1"), "-full", fullListener(t))
		if res.code != 0 || !strings.HasSuffix(res.stdout, "done\n") {
			t.Fatalf("netclient failed\n%s", res)
		}
		for _, name := range netclientChecks {
			if !strings.Contains(res.stdout, "ok "+name+" ") {
				t.Errorf("no \"ok %s\" line\n%s", name, res)
			}
		}
		t.Log(res.stdout)
	})
}

// A connect the policy refuses is an *net.OpError wrapping EACCES in the
// program, and one line on wasinet's stderr.
func TestOverlayPolicyDenialIsEACCES(t *testing.T) {
	forEachRelease(t, func(t *testing.T, r goRelease) {
		w := overlayGuest(t, r, "./guests/netclient")
		l := listenNative(t, "tcp4", "127.0.0.1:0")
		addr := l.Addr().String()
		res := run(t, opts{}, "run", "--allow-net=10.0.0.0/8", w, "-deny", addr)
		if res.code != 0 || !strings.Contains(res.stdout, "ok deny dial tcp "+addr+": connect: ") {
			t.Fatalf("netclient -deny\n%s", res)
		}
		want := "wasinet: denied connect to " + addr + " (no --allow-net rule matches)\n"
		if res.stderr != want {
			t.Fatalf("stderr %q, want %q", res.stderr, want)
		}
	})
}
