package e2e

// The Go SDK's stream sockets against native peers: TCP over IPv4 and
// IPv6 and unix stream sockets, the guest as client and as server, data in
// both directions with checksums checked on both sides, and the addresses
// each side sees.

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// streamSetup is how one network is reached from both sides.
type streamSetup struct {
	grants       []string // wasinet options: grants and --dir
	nativeNet    string
	guestListen  string                        // what the guest listens on (server role)
	nativeListen string                        // what the native peer listens on (client role)
	guestTarget  func(native net.Addr) string  // what the guest dials
	nativeTarget func(guestAddr string) string // what the native peer dials
}

func streamSetupFor(t *testing.T, network string) streamSetup {
	t.Helper()
	hostPort := func(a net.Addr) string { return a.String() }
	same := func(s string) string { return s }
	switch network {
	case "tcp4":
		return streamSetup{grantLoopback, "tcp4", "127.0.0.1:0", "127.0.0.1:0", hostPort, same}
	case "tcp6":
		return streamSetup{grantLoopback, "tcp6", "[::1]:0", "[::1]:0", hostPort, same}
	case "unix":
		// The guest's /run is a short host directory (unix paths are
		// limited to 107 bytes on the host).
		dir := shortTempDir(t)
		return streamSetup{
			grants:       concat(grantUnix(dir), []string{"--dir", dir + "::/run"}),
			nativeNet:    "unix",
			guestListen:  "/run/guest.sock",
			nativeListen: filepath.Join(dir, "native.sock"),
			guestTarget:  func(net.Addr) string { return "/run/native.sock" },
			nativeTarget: func(guestAddr string) string { return filepath.Join(dir, filepath.Base(guestAddr)) },
		}
	}
	t.Fatalf("no setup for %q", network)
	return streamSetup{}
}

// transferTimes are the guest's own measurements of one transfer.
type transferTimes struct{ toGuest, fromGuest float64 } // milliseconds

// checkTransferLines checks the guest's "received"/"sent" lines and
// returns the times they carry.
func checkTransferLines(t *testing.T, r result, size int) transferTimes {
	t.Helper()
	want := sum(pattern(size))
	recv := lineMatching(t, r, "received ")
	sent := lineMatching(t, r, "sent ")
	if !strings.HasPrefix(recv, fmt.Sprintf("received %d %s ", size, want)) {
		t.Errorf("guest: %q, want received %d %s", recv, size, want)
	}
	if !strings.HasPrefix(sent, fmt.Sprintf("sent %d %s ", size, want)) {
		t.Errorf("guest: %q, want sent %d %s", sent, size, want)
	}
	return transferTimes{floatField(t, recv, "ms"), floatField(t, sent, "ms")}
}

// streamGuestClient: the guest dials a native listener.
func streamGuestClient(t *testing.T, g, network string, size int) transferTimes {
	s := streamSetupFor(t, network)
	l := listenNative(t, s.nativeNet, s.nativeListen)
	conns := acceptAsync(t, l, 1)
	type outcome struct {
		peer net.Addr
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		a := <-conns
		if a.err != nil {
			done <- outcome{nil, a.err}
			return
		}
		done <- outcome{a.conn.RemoteAddr(), nativeTransfer(a.conn, size)}
	}()
	r := run(t, opts{}, sdkArgs(s.grants, g, "client", network, s.guestTarget(l.Addr()), fmt.Sprint(size))...)
	expectCode(t, r, 0)
	var o outcome
	select {
	case o = <-done:
	case <-time.After(peerTimeout):
		t.Fatalf("the native peer did not finish\n%s", r)
	}
	if o.err != nil {
		t.Fatalf("%v\n%s", o.err, r)
	}
	conn := lineMatching(t, r, "conn ")
	if network == "unix" {
		// The guest's own socket is unnamed; its peer is named by guest path.
		if got := field(t, conn, "remote"); got != "/run/native.sock" {
			t.Errorf("guest's RemoteAddr %q, want /run/native.sock", got)
		}
	} else if want := fmt.Sprintf("conn local=%s remote=%s", o.peer, l.Addr()); conn != want {
		t.Errorf("guest: %q\nwant:  %q (what the native side sees)", conn, want)
	}
	return checkTransferLines(t, r, size)
}

// streamGuestServer: a native client dials the guest's listener.
func streamGuestServer(t *testing.T, g, network string, size int) transferTimes {
	s := streamSetupFor(t, network)
	p := startGuest(t, opts{}, sdkArgs(s.grants, g, "server", network, s.guestListen, fmt.Sprint(size))...)
	addr := p.listening()
	if network == "unix" {
		if addr != s.guestListen {
			t.Errorf("guest listens on %q, want %s", addr, s.guestListen)
		}
	} else if a, err := net.ResolveTCPAddr(s.nativeNet, addr); err != nil || a.Port == 0 ||
		!strings.HasPrefix(addr, strings.TrimSuffix(s.guestListen, ":0")+":") {
		t.Fatalf("guest listens on %q, want %s with a port", addr, s.guestListen)
	}
	c := dialNative(t, s.nativeNet, s.nativeTarget(addr))
	local, remote := c.LocalAddr().String(), c.RemoteAddr().String()
	if err := nativeTransfer(c, size); err != nil {
		t.Fatalf("%v\n%s", err, p.output())
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	conn := lineMatching(t, r, "conn ")
	if network == "unix" {
		if got := field(t, conn, "local"); got != s.guestListen {
			t.Errorf("accepted conn's LocalAddr %q, want %s", got, s.guestListen)
		}
	} else if want := fmt.Sprintf("conn local=%s remote=%s", remote, local); conn != want {
		t.Errorf("guest: %q\nwant:  %q (what the native side sees)", conn, want)
	}
	return checkTransferLines(t, r, size)
}

// 1 KiB, 1 MiB and 16 MiB each way over TCP4, TCP6 and unix, the guest as
// client and as server. The 16 MiB times (measured in the guest) are
// logged and printed as "sdk-transfer:" lines.
func TestSDKStreamTransfer(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	sizes := []struct {
		name string
		n    int
	}{{"1KiB", 1 << 10}, {"1MiB", 1 << 20}, {"16MiB", 16 << 20}}
	var mu sync.Mutex
	var report []string
	for _, network := range []string{"tcp4", "tcp6", "unix"} {
		for _, role := range []string{"guest-client", "guest-server"} {
			for _, sz := range sizes {
				t.Run(network+"/"+role+"/"+sz.name, func(t *testing.T) {
					var tt transferTimes
					if role == "guest-client" {
						tt = streamGuestClient(t, g, network, sz.n)
					} else {
						tt = streamGuestServer(t, g, network, sz.n)
					}
					rate := func(ms float64) string {
						if sz.n < 1<<20 || ms < 1 {
							return fmt.Sprintf("%.1f ms", ms) // too short for a rate
						}
						return fmt.Sprintf("%.1f ms (%.0f MiB/s)", ms, float64(sz.n)/(1<<20)/(ms/1000))
					}
					line := fmt.Sprintf("%s %s %s: native→guest %s, guest→native %s",
						sz.name, network, role, rate(tt.toGuest), rate(tt.fromGuest))
					t.Log(line)
					if sz.n == 16<<20 && !t.Failed() {
						mu.Lock()
						report = append(report, line)
						mu.Unlock()
					}
				})
			}
		}
	}
	for _, l := range report {
		fmt.Println("sdk-transfer:", l)
	}
}
