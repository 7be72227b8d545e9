package e2e

// Faults on live connections, with the Go SDK guest (tests/guests/go/fault_net)
// and the C SDK guest (sdk/c/tests/csdk_fault_net.c) against native peers
// that misbehave on purpose: a reset (SO_LINGER 0, then close) while the
// guest waits in a read or a write, and half-closes in both directions.
// The slow-peer and signal cases are in faults_backpressure_test.go and
// faults_signal_test.go.

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// faultGuest is the guest of the fault scenarios for lang, and its
// arguments for a scenario against the native TCP listener at addr.
func faultGuest(t *testing.T, lang, mode string, addr net.Addr) []string {
	t.Helper()
	a := addr.(*net.TCPAddr)
	if lang == "go" {
		return []string{guest(t, "go", "fault_net"), mode, "tcp4", a.String()}
	}
	return []string{guest(t, "c", "csdk_fault_net"), mode, a.IP.String(), strconv.Itoa(a.Port)}
}

// reset aborts a native TCP connection: with a zero linger time, close
// sends a RST instead of a FIN.
func reset(t *testing.T, c net.Conn) {
	t.Helper()
	if err := c.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatalf("SO_LINGER 0: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close (reset): %v", err)
	}
}

// acceptOne waits for the guest's connection to a native listener.
func acceptOne(t *testing.T, conns <-chan accepted, p *guestProc) net.Conn {
	t.Helper()
	select {
	case a := <-conns:
		if a.err != nil {
			t.Fatalf("native accept: %v\n%s", a.err, p.output())
		}
		return a.conn
	case <-time.After(guestStartTimeout):
		t.Fatalf("the guest did not connect\n%s", p.output())
	}
	return nil
}

// wantReset checks the guest's line for a call that the reset ended: an
// *net.OpError wrapping syscall.ECONNRESET from the Go SDK, errno
// ECONNRESET from the C SDK.
func wantReset(t *testing.T, lang, line string) {
	t.Helper()
	if lang == "go" {
		if !strings.Contains(line, " operr=true econnreset=true ") {
			t.Errorf("guest: %q, want a *net.OpError that is syscall.ECONNRESET", line)
		}
	} else if !strings.HasSuffix(line, " errno=ECONNRESET") {
		t.Errorf("guest: %q, want errno ECONNRESET", line)
	}
}

// The guest has read 64 KiB and waits in the next read when the peer
// resets: the read fails with ECONNRESET (not EOF, not a hang).
func TestFaultResetWhileGuestReads(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		l := listenNative(t, "tcp4", "127.0.0.1:0")
		conns := acceptAsync(t, l, 1)
		p := startGuest(t, opts{}, append([]string{"run", "--allow-net=loopback"}, faultGuest(t, lang, "resetread", l.Addr())...)...)
		c := acceptOne(t, conns, p)
		if _, err := c.Write(pattern(64 << 10)); err != nil {
			t.Fatal(err)
		}
		p.waitLine("got 65536", peerTimeout)
		time.Sleep(200 * time.Millisecond) // the guest is blocked in its read now
		reset(t, c)
		r := p.wait(peerTimeout)
		expectCode(t, r, 0)
		line := lineMatching(t, r, "resetread ")
		wantReset(t, lang, line)
		t.Logf("%s guest, reset during a read: %s", lang, line)
	})
}

// The guest writes 256 KiB chunks to a peer that read 1 MiB and then
// stopped reading, so the guest waits in a write; the peer resets: the
// write fails with ECONNRESET.
func TestFaultResetWhileGuestWrites(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		l := listenNative(t, "tcp4", "127.0.0.1:0")
		conns := acceptAsync(t, l, 1)
		p := startGuest(t, opts{}, append([]string{"run", "--allow-net=loopback"}, faultGuest(t, lang, "resetwrite", l.Addr())...)...)
		c := acceptOne(t, conns, p)
		p.waitLine("writing", peerTimeout)
		if _, err := io.ReadFull(c, make([]byte, 1<<20)); err != nil {
			t.Fatalf("native read of the first MiB: %v\n%s", err, p.output())
		}
		// Unread, the socket buffers fill and the guest's write waits.
		time.Sleep(300 * time.Millisecond)
		reset(t, c)
		r := p.wait(peerTimeout)
		expectCode(t, r, 0)
		line := lineMatching(t, r, "resetwrite ")
		wantReset(t, lang, line)
		t.Logf("%s guest, reset during a write: %s", lang, line)
	})
}

// Half-close both ways. First connection: the peer sends "native data"
// and shuts down its write side; the guest reads it, then EOF, then EOF
// again, and can still send its reply, which the peer reads to EOF.
// Second connection: the guest sends "guest data" and shuts down its write
// side (a later write of its own fails with EPIPE); the peer reads it to
// EOF and can still send its reply, which the guest reads to EOF.
func TestFaultHalfCloseBothWays(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		l := listenNative(t, "tcp4", "127.0.0.1:0")
		conns := acceptAsync(t, l, 2)
		p := startGuest(t, opts{}, append([]string{"run", "--allow-net=loopback"}, faultGuest(t, lang, "halfclose", l.Addr())...)...)

		c := acceptOne(t, conns, p)
		if _, err := io.WriteString(c, "native data\n"); err != nil {
			t.Fatal(err)
		}
		if err := closeWrite(c); err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(c); err != nil || string(got) != "guest reply after EOF\n" {
			t.Errorf("native side, after its CloseWrite, read %q, %v; want the guest's reply", got, err)
		}
		c.Close()

		c = acceptOne(t, conns, p)
		in := bufio.NewReader(c)
		if got, err := io.ReadAll(in); err != nil || string(got) != "guest data\n" {
			t.Errorf("native side read %q, %v; want \"guest data\\n\" then EOF", got, err)
		}
		if _, err := io.WriteString(c, "native reply after EOF\n"); err != nil {
			t.Errorf("native side cannot send after the guest's CloseWrite: %v", err)
		}
		c.Close()

		r := p.wait(peerTimeout)
		expectCode(t, r, 0)
		if got := lineMatching(t, r, "native-first "); got != "native-first read=native data eof-again=true" {
			t.Errorf("guest, after the peer's half-close: %q", got)
		}
		if got := lineMatching(t, r, "guest-first read="); got != "guest-first read=native reply after EOF" {
			t.Errorf("guest, after its own half-close: %q", got)
		}
		late := lineMatching(t, r, "guest-first "+map[string]string{"go": "write", "c": "send"}[lang])
		if lang == "go" && !strings.Contains(late, " operr=true econnreset=false epipe=true ") ||
			lang == "c" && late != "guest-first send-after-shutdown=-1 errno=EPIPE" {
			t.Errorf("guest, writing after its own CloseWrite: %q, want EPIPE", late)
		}
	})
}
