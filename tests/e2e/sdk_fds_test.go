package e2e

// Closing SDK sockets in the guest closes the host's sockets: the wasinet
// process's descriptors are counted before, while sockets are open, and
// after the guest closed them; and the native peers see the closes.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fdDiff lists what is in b but not in a.
func fdDiff(a, b []string) []string {
	seen := map[string]bool{}
	for _, x := range a {
		seen[x] = true
	}
	var out []string
	for _, x := range b {
		if !seen[x] {
			out = append(out, x)
		}
	}
	return out
}

func TestSDKClosingReleasesHostFds(t *testing.T) {
	const n = 20 // of each: listeners, dialed conns, accepted conns, UDP sockets
	g := guest(t, "go", "sdk_net")
	native := listenNative(t, "tcp4", "127.0.0.1:0")
	dialedByGuest := acceptAsync(t, native, n)
	p := startGuest(t, opts{}, sdkArgs(grantLoopback, g, "fds", native.Addr().String(), fmt.Sprint(n))...)
	ctl := dialNative(t, "tcp4", p.listening())
	in := bufio.NewReader(ctl)
	expect := func(prefix string) string {
		t.Helper()
		line, err := in.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, prefix) {
			t.Fatalf("control: got %q, %v; want %q...\n%s", line, err, prefix, p.output())
		}
		return strings.TrimSuffix(line, "\n")
	}
	say := func(s string) {
		t.Helper()
		if _, err := io.WriteString(ctl, s+"\n"); err != nil {
			t.Fatalf("control: %v", err)
		}
	}
	pid := p.cmd.Process.Pid

	expect("ready")
	before := procFDs(t, pid)
	say("open")
	listenerAddr := strings.TrimPrefix(expect("opened "), "opened ")
	var peers []net.Conn // native ends of every TCP conn the guest has
	for i := 0; i < n; i++ {
		peers = append(peers, dialNative(t, "tcp4", listenerAddr))
	}
	expect("accepted")
	during := procFDs(t, pid)
	for i := 0; i < n; i++ {
		select {
		case a := <-dialedByGuest:
			if a.err != nil {
				t.Fatal(a.err)
			}
			peers = append(peers, a.conn)
		case <-time.After(peerTimeout):
			t.Fatalf("only %d of the guest's %d dials arrived", i, n)
		}
	}
	say("close")
	expect("closed")
	after := procFDs(t, pid)

	t.Logf("wasinet fds: %d before, %d with %d sockets open (+%d), %d after closing them",
		len(before), len(during), 4*n, len(during)-len(before), len(after))
	fmt.Printf("sdk-fds: %d before, %d with %d guest sockets open, %d after the guest closed them\n",
		len(before), len(during), 4*n, len(after))
	if got := len(during) - len(before); got != 4*n {
		t.Errorf("%d more host fds with %d guest sockets open, want %d (one each); new:\n%s",
			got, 4*n, 4*n, strings.Join(fdDiff(before, during), "\n"))
	}
	if len(after) != len(before) {
		t.Errorf("%d host fds after closing, %d before; left over:\n%s\ngone:\n%s", len(after), len(before),
			strings.Join(fdDiff(before, after), "\n"), strings.Join(fdDiff(after, before), "\n"))
	}

	// The closes reached the sockets: every native peer reads EOF, and the
	// guest's listeners no longer accept.
	buf := make([]byte, 16)
	for i, c := range peers {
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		if k, err := c.Read(buf); err != io.EOF {
			t.Errorf("native peer %d: read %d, %v after the guest closed; want EOF", i, k, err)
		}
	}
	if c, err := net.DialTimeout("tcp4", listenerAddr, peerTimeout); err == nil {
		c.Close()
		t.Errorf("the guest's closed listener %s still accepts", listenerAddr)
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial the guest's closed listener: %v, want ECONNREFUSED", err)
	}
	ctl.Close()
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	if !strings.HasSuffix(r.stdout, "done\n") {
		t.Errorf("guest did not finish\n%s", r)
	}
}
