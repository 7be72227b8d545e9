package e2e

// --listen with --dir for programs that know nothing of wasinet (issue 15):
// every directory comes before every socket, a socket answers EBADF to
// fd_prestat_get, and WASINET_LISTEN_FDS names the sockets. Before, a
// plain wasi-libc program exited 71 before main; and Go's
// net.FileListener reported ":0" for every address, which the SDK's
// FileListener and Listeners now get right.

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A server built with plain clang and wasi-libc (not the C SDK) reads a
// file in its --dir and serves a native client on its --listen socket,
// which it finds through WASINET_LISTEN_FDS; the implicit /etc and CA
// directories are there too (--allow-dns: they are only for a guest that
// may reach out).
func TestListenPlainCServerWithDir(t *testing.T) {
	g := guest(t, "c", "listen_files")
	work := t.TempDir()
	writeHostFile(t, filepath.Join(work, "greeting.txt"), "hello from a file\n")
	p := startGuest(t, opts{dir: work, env: []string{"SSL_CERT_FILE=" + testCABundle(t)}},
		"run", "--allow-dns", "--dir", ".", "--listen", "tcp://127.0.0.1:0", g, "greeting.txt")
	url, fd := p.hostListening()
	// "/" (the --dir), /etc when the host has DNS files, /etc/ssl/certs.
	want := 5
	if hostHasDNSFiles() {
		want = 6
	}
	if fd != want {
		t.Errorf("listener at fd %d, want %d (after every directory)", fd, want)
	}
	if l := p.waitLine("listener fd=", guestStartTimeout); l != "listener fd="+strconv.Itoa(fd) {
		t.Fatalf("guest says %q, host says fd %d", l, fd)
	}
	c := dialNative(t, "tcp4", strings.TrimPrefix(url, "tcp://"))
	if _, err := c.Write([]byte("GET\n")); err != nil {
		t.Fatal(err)
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || reply != "greeting.txt: hello from a file\n" {
		t.Fatalf("read %q, %v\n%s", reply, err, p.output())
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	expectStdout(t, r, "listener fd="+strconv.Itoa(fd)+"\nserved\n")
}

// The Go SDK's Listeners (FileListener on each fd of WASINET_LISTEN_FDS)
// gives the true addresses: Addr is the bound address, and an accepted
// conn's LocalAddr and RemoteAddr are the two ends the native client sees.
func TestListenGoListenerAddresses(t *testing.T) {
	g := guest(t, "go", "listen_files")
	for _, c := range []struct{ name, listen, network string }{
		{"ipv4", "tcp://127.0.0.1:0", "tcp4"},
		{"ipv6", "tcp://[::1]:0", "tcp6"},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.network == "tcp6" {
				if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
					t.Skipf("no IPv6 loopback here: %v", err)
				} else {
					l.Close()
				}
			}
			work := t.TempDir()
			writeHostFile(t, filepath.Join(work, "greeting.txt"), "hello from a file\n")
			p := startGuest(t, opts{dir: work}, "run", "--dir", ".", "--listen", c.listen, g, "greeting.txt")
			url, _ := p.hostListening()
			bound := strings.TrimPrefix(url, "tcp://")
			if l := p.waitLine("addr=", guestStartTimeout); l != "addr="+bound {
				t.Fatalf("guest's Addr() %q, want addr=%s", l, bound)
			}
			conn := dialNative(t, c.network, bound)
			if _, err := conn.Write([]byte("GET\n")); err != nil {
				t.Fatal(err)
			}
			client := conn.LocalAddr().String()
			if l := p.waitLine("local=", peerTimeout); l != "local="+bound+" remote="+client {
				t.Errorf("guest's conn: %q, want local=%s remote=%s", l, bound, client)
			}
			b := bufio.NewReader(conn)
			first, _ := b.ReadString('\n')
			second, _ := b.ReadString('\n')
			if first != "greeting.txt: hello from a file\n" || second != "remote="+client+"\n" {
				t.Errorf("reply %q %q\n%s", first, second, p.output())
			}
			expectCode(t, p.wait(peerTimeout), 0)
		})
	}
}

// A unix --listen socket inside a --dir: Addr is its guest path.
func TestListenGoListenerUnixAddress(t *testing.T) {
	g := guest(t, "go", "listen_files")
	dir := shortTempDir(t)
	writeHostFile(t, filepath.Join(dir, "greeting.txt"), "hello from a file\n")
	sock := filepath.Join(dir, "app.sock")
	p := startGuest(t, opts{}, "run", "--dir", dir+"::/run", "--listen", "unix://"+sock, g, "/run/greeting.txt")
	if l := p.waitLine("addr=", guestStartTimeout); l != "addr=/run/app.sock" {
		t.Fatalf("guest's Addr() %q, want addr=/run/app.sock", l)
	}
	conn := dialNative(t, "unix", sock)
	if _, err := conn.Write([]byte("GET\n")); err != nil {
		t.Fatal(err)
	}
	if l := p.waitLine("local=", peerTimeout); l != "local=/run/app.sock remote=@" {
		t.Errorf("guest's conn: %q, want local=/run/app.sock remote=@ (an unnamed client)", l)
	}
	if first, err := bufio.NewReader(conn).ReadString('\n'); err != nil || first != "/run/greeting.txt: hello from a file\n" {
		t.Errorf("reply %q, %v\n%s", first, err, p.output())
	}
	expectCode(t, p.wait(peerTimeout), 0)
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket file is still there after the run (err %v)", err)
	}
}
