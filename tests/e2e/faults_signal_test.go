package e2e

// SIGINT and SIGTERM stop a guest that holds one socket of every kind and
// sleeps in poll_oneoff (tests/guests/go/fault_net hold), and everything it
// held is closed: its native peers read EOF (or a reset), its TCP listener
// refuses, its UDP port answers "port unreachable", the --listen unix
// socket file is removed and its own unix socket refuses. (signal_test.go
// checks the stop itself in other waits.)

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// ended checks that a native conn's peer is gone: a read returns EOF or
// ECONNRESET within peerTimeout, not data and not a timeout.
func ended(t *testing.T, what string, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(peerTimeout))
	n, err := c.Read(make([]byte, 1))
	if n != 0 || !(errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		t.Errorf("%s: read %d, %v after the stop; want EOF or ECONNRESET", what, n, err)
	}
}

func refused(t *testing.T, what, network, addr string) {
	t.Helper()
	c, err := net.DialTimeout(network, addr, peerTimeout)
	if err == nil {
		c.Close()
		t.Errorf("%s: %s still accepts connections after the stop", what, addr)
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("%s: dial %s after the stop: %v, want ECONNREFUSED", what, addr, err)
	}
}

func TestFaultSignalClosesEverything(t *testing.T) {
	g := guest(t, "go", "fault_net")
	for _, c := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGTERM, "SIGTERM", 143}, {syscall.SIGINT, "SIGINT", 130}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := shortTempDir(t)
			hostSock := filepath.Join(dir, "host.sock")
			native := listenNative(t, "tcp4", "127.0.0.1:0")
			conns := acceptAsync(t, native, 1)
			// fd 3 is the --dir, fd 4 the --listen socket: no /etc, no CA file.
			p := startGuest(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--allow-net=loopback",
				"--allow-listen=loopback", "--allow-unix="+dir, "--dir", dir+"::/run", "--listen", "unix://"+hostSock,
				g, "hold", native.Addr().String(), "/run/guest.sock", "4")
			tcpAddr := p.listening()
			udpAddr := p.waitLine("udp ", guestStartTimeout)[len("udp "):]
			p.waitLine("unix ", guestStartTimeout)
			dialed := acceptOne(t, conns, p)
			accepted := dialNative(t, "tcp4", tcpAddr)
			udp, err := net.Dial("udp4", udpAddr)
			if err != nil {
				t.Fatal(err)
			}
			defer udp.Close()
			p.waitLine("holding", peerTimeout)
			for _, f := range []string{hostSock, filepath.Join(dir, "guest.sock")} {
				if _, err := os.Lstat(f); err != nil {
					t.Fatalf("before the stop: %v", err)
				}
			}

			expectStopped(t, p, c.sig, c.name, c.code)

			ended(t, "the conn the guest dialed", dialed)
			ended(t, "the conn the guest accepted", accepted)
			refused(t, "the guest's TCP listener", "tcp4", tcpAddr)
			// A datagram to a closed port: ICMP port unreachable, which a
			// connected UDP socket reports as ECONNREFUSED.
			udp.SetDeadline(time.Now().Add(peerTimeout))
			if _, err := udp.Write([]byte("x")); err != nil {
				t.Fatal(err)
			}
			if _, err := udp.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("the guest's UDP port %s after the stop: read %v, want ECONNREFUSED", udpAddr, err)
			}
			if _, err := os.Lstat(hostSock); !os.IsNotExist(err) {
				t.Errorf("the --listen socket file %s is still there (%v)", hostSock, err)
			}
			// The guest's own unix socket file stays, as a native program's
			// does when it is killed; nothing answers on it.
			refused(t, "the guest's unix listener", "unix", filepath.Join(dir, "guest.sock"))
			if _, err := os.Lstat(filepath.Join(dir, "guest.sock")); err == nil {
				t.Logf("the guest's own socket file remains after %s (as for a native process)", c.name)
			}
		})
	}
}
