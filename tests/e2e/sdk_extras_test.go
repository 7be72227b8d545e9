package e2e

// The Go SDK beyond plain Dial and UDP: a Dialer's LocalAddr, and unix
// datagram sockets.

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"
)

// A Dialer with LocalAddr 127.0.0.2 (and a timeout and keep-alive set)
// connects from that address, as the native listener sees it.
func TestSDKDialerLocalAddr(t *testing.T) {
	g := guest(t, "go", "sdk_net")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	seen := make(chan string, 1)
	serveOne(t, l, func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		seen <- c.RemoteAddr().String()
		if line == "hello\n" {
			c.Write([]byte("bye\n"))
		}
		c.Close()
	})
	r := run(t, opts{}, sdkArgs(grantLoopback, g, "dialer", "tcp4", l.Addr().String(), "127.0.0.2")...)
	expectCode(t, r, 0)
	var peer string
	select {
	case peer = <-seen:
	case <-time.After(peerTimeout):
		t.Fatalf("no connection\n%s", r)
	}
	if a, err := net.ResolveTCPAddr("tcp4", peer); err != nil || !a.IP.Equal(net.ParseIP("127.0.0.2")) {
		t.Errorf("the native side sees the guest at %s, want 127.0.0.2:PORT", peer)
	}
	expectStdout(t, r, fmt.Sprintf("conn local=%s remote=%s\n", peer, l.Addr()))
}

// 100 unix datagrams from a guest socket at /run/guest.sock to a native one
// and back: the native side sees the guest's host path as the source, the
// guest sees the native socket's guest path.
func TestSDKUnixgram(t *testing.T) {
	const n = 100
	g := guest(t, "go", "sdk_net")
	dir := shortTempDir(t)
	srv := listenUnixgramNative(t, filepath.Join(dir, "native.sock"))
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 2048)
		want := filepath.Join(dir, "guest.sock")
		for i := 0; i < n; i++ {
			k, from, err := srv.ReadFromUnix(buf)
			if err != nil {
				done <- fmt.Errorf("native, datagram %d: %w", i, err)
				return
			}
			if from == nil || from.Name != want {
				done <- fmt.Errorf("native, datagram %d: from %v, want %s", i, from, want)
				return
			}
			if !bytes.Equal(buf[:k], udpDatagram(i)) {
				done <- fmt.Errorf("native, datagram %d: %d bytes, not the %d expected", i, k, len(udpDatagram(i)))
				return
			}
			if _, err := srv.WriteToUnix(buf[:k], from); err != nil {
				done <- fmt.Errorf("native echo: %w", err)
				return
			}
		}
		done <- nil
	}()
	args := concat(grantUnix(dir), []string{"--dir", dir + "::/run"})
	r := run(t, opts{}, sdkArgs(args, g, "unixgram", "/run/guest.sock", "/run/native.sock", fmt.Sprint(n))...)
	expectCode(t, r, 0)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
	case <-time.After(peerTimeout):
		t.Fatalf("the native echo did not finish\n%s", r)
	}
	expectStdout(t, r, fmt.Sprintf("local=/run/guest.sock\nok %d from=/run/native.sock\n", n))
}
