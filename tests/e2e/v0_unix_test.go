package e2e

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// unixDirs makes a working directory with a tmp/ folder that the guest
// sees as /run (--dir tmp::/run); it returns the working directory and the
// host path of tmp/.
func unixDirs(t *testing.T) (work, tmp string) {
	t.Helper()
	work = t.TempDir()
	tmp = filepath.Join(work, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	return work, tmp
}

// A guest unix stream server at /run/app.sock is the host's tmp/app.sock;
// it serves two native clients at once (1 KiB and 1 MiB) and reports its
// own address as the guest path.
func TestV0UnixStreamServer(t *testing.T) {
	gw := guest(t, "go", "v0_unix")
	work, tmp := unixDirs(t)
	g := startGuest(t, opts{dir: work}, "run", "--dir", "tmp::/run", "--allow-unix="+tmp, gw, "server", "/run/app.sock", "2")
	if addr := g.listening(); addr != "/run/app.sock" {
		t.Errorf("guest listens on %q, want /run/app.sock", addr)
	}
	hostPath := filepath.Join(tmp, "app.sock")
	first := dialNative(t, "unix", hostPath)
	second := dialNative(t, "unix", hostPath)
	if err := exchange(second, pattern(1<<20)); err != nil {
		t.Fatalf("second client: %v\n%s", err, g.output())
	}
	if err := exchange(first, pattern(1<<10)); err != nil {
		t.Fatalf("first client: %v\n%s", err, g.output())
	}
	r := g.wait(peerTimeout)
	expectCode(t, r, 0)
	for _, want := range []string{"accepted local=/run/app.sock", "done bytes=1048576", "done bytes=1024"} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("stdout lacks %q\n%s", want, r)
		}
	}
}

// A guest dials /run/app.sock, a native listener at tmp/app.sock, and
// exchanges 1 MiB; every write carries the peer's address (the existing
// library's habit), which the host must ignore on a connected socket.
func TestV0UnixStreamClient(t *testing.T) {
	gw := guest(t, "go", "v0_unix")
	work, tmp := unixDirs(t)
	l := listenNative(t, "unix", filepath.Join(tmp, "app.sock"))
	conns := acceptAsync(t, l, 1)
	served := make(chan error, 1)
	go func() {
		a := <-conns
		if a.err != nil {
			served <- a.err
			return
		}
		buf := make([]byte, 1<<20)
		if _, err := io.ReadFull(a.conn, buf); err != nil {
			served <- fmt.Errorf("native read: %w", err)
			return
		}
		_, err := a.conn.Write(buf)
		a.conn.Close()
		served <- err
	}()
	r := run(t, opts{dir: work}, "run", "--dir", "tmp::/run", "--allow-unix="+tmp, gw, "client", "/run/app.sock", fmt.Sprint(1<<20))
	expectCode(t, r, 0)
	if err := <-served; err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	expectStdout(t, r, fmt.Sprintf("remote=/run/app.sock\nok %d %s\n", 1<<20, sum(pattern(1<<20))))
}

// Unix datagrams both ways: the guest names each source by its guest path
// and a native peer can answer the guest at the address it sees.
func TestV0UnixDatagram(t *testing.T) {
	gw := guest(t, "go", "v0_unix")
	t.Run("guest-server", func(t *testing.T) {
		work, tmp := unixDirs(t)
		g := startGuest(t, opts{dir: work}, "run", "--dir", "tmp::/run", "--allow-unix="+tmp, gw, "dgram-server", "/run/app.sock", "1")
		if addr := g.listening(); addr != "/run/app.sock" {
			t.Errorf("guest bound %q, want /run/app.sock", addr)
		}
		c := listenUnixgramNative(t, filepath.Join(tmp, "client.sock"))
		if _, err := c.WriteToUnix([]byte("hello"), &net.UnixAddr{Name: filepath.Join(tmp, "app.sock"), Net: "unixgram"}); err != nil {
			t.Fatal(err)
		}
		g.waitLine("from /run/client.sock n=5", peerTimeout)
		buf := make([]byte, 64)
		n, from, err := c.ReadFromUnix(buf)
		if err != nil {
			t.Fatalf("no echo: %v\n%s", err, g.output())
		}
		if string(buf[:n]) != "hello" {
			t.Errorf("echo %q, want hello", buf[:n])
		}
		if from == nil || from.Name != filepath.Join(tmp, "app.sock") {
			t.Errorf("echo came from %v, want %s", from, filepath.Join(tmp, "app.sock"))
		}
		expectCode(t, g.wait(peerTimeout), 0)
	})
	t.Run("guest-client", func(t *testing.T) {
		work, tmp := unixDirs(t)
		srv := listenUnixgramNative(t, filepath.Join(tmp, "app.sock"))
		seen := make(chan string, 1)
		go func() {
			buf := make([]byte, 64)
			n, from, err := srv.ReadFromUnix(buf)
			if err != nil {
				seen <- "error: " + err.Error()
				return
			}
			if from == nil {
				seen <- "no source address"
				return
			}
			seen <- from.Name + " " + string(buf[:n])
			// Answer where the datagram says it came from.
			if _, err := srv.WriteToUnix([]byte("pong"), from); err != nil {
				seen <- "reply: " + err.Error()
			}
		}()
		g := startGuest(t, opts{dir: work}, "run", "--dir", "tmp::/run", "--allow-unix="+tmp, gw, "dgram-client", "/run/guest.sock", "/run/app.sock")
		var got string
		select {
		case got = <-seen:
		case <-time.After(peerTimeout):
			t.Fatalf("no datagram from the guest\n%s", g.output())
		}
		if want := filepath.Join(tmp, "guest.sock") + " ping from the guest"; got != want {
			t.Fatalf("native peer got %q, want %q (it must be able to answer that address)\n%s", got, want, g.output())
		}
		r := g.wait(peerTimeout)
		expectCode(t, r, 0)
		expectStdout(t, r, "reply from /run/app.sock pong\n")
	})
}

func listenUnixgramNative(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(guestStartTimeout))
	t.Cleanup(func() { c.Close() })
	return c
}
