package e2e

// The C SDK's translation of numbers and addresses, its errno values,
// name lookups and waits, through its test guests (sdk/c/tests/csdk_net.c,
// csdk_resolve.c) and native peers on loopback.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wasi-libc's AF_INET is 1, Linux's AF_UNIX: a C program's AF_INET,
// AF_INET6 and AF_UNIX must reach the host as those families. Native
// listeners that accept only IPv4, only IPv6 and only unix connections
// each get their guest's line, from the port the guest reports.
func TestCSDKFamiliesReachTheHost(t *testing.T) {
	g := csdkNet(t)
	l4 := listenNative(t, "tcp4", "127.0.0.1:0")
	l6 := listenNative(t, "tcp6", "[::1]:0")
	dir := shortTempDir(t)
	lu := listenNative(t, "unix", filepath.Join(dir, "peer.sock"))

	type hello struct {
		line, remote string
		err          error
	}
	read := func(l net.Listener) <-chan hello {
		ch := make(chan hello, 1)
		serveOne(t, l, func(c net.Conn) {
			s, err := bufio.NewReader(c).ReadString('\n')
			ch <- hello{strings.TrimSuffix(s, "\n"), c.RemoteAddr().String(), err}
		})
		return ch
	}
	h4, h6, hu := read(l4), read(l6), read(lu)

	_, p4, _ := net.SplitHostPort(l4.Addr().String())
	_, p6, _ := net.SplitHostPort(l6.Addr().String())
	r := run(t, opts{}, "run", "--allow-net=loopback", "--dir", dir+"::/run", "--allow-unix="+dir, g,
		"families", "127.0.0.1", p4, "::1", p6, "/run")
	expectCode(t, r, 0)
	out := lines(r.stdout)
	want0 := "constants AF_INET=1 AF_INET6=2 AF_UNIX=3 SOCK_STREAM=6 SOCK_DGRAM=5 SOL_SOCKET=0x7fffffff"
	if len(out) != 5 || out[0] != want0 || out[3] != "unix peer /run/peer.sock" || out[4] != "ok" {
		t.Fatalf("guest output:\n%s", r)
	}
	for _, c := range []struct {
		ch    <-chan hello
		line  string
		guest string // the guest's "FAMILY local IP PORT" line
		ip    string
	}{
		{h4, "hello inet", out[1], "127.0.0.1"},
		{h6, "hello inet6", out[2], "::1"},
		{hu, "hello unix", "", ""},
	} {
		select {
		case h := <-c.ch:
			if h.err != nil || h.line != c.line {
				t.Errorf("native peer read %q, %v; want %q", h.line, h.err, c.line)
			}
			if c.ip == "" {
				continue
			}
			// The address the guest reads from getsockname is the one the
			// native side sees: family, IP and port (network byte order).
			host, port, _ := net.SplitHostPort(h.remote)
			f := strings.Fields(c.guest)
			if len(f) != 4 || f[2] != host || f[3] != port || host != c.ip {
				t.Errorf("guest says %q, native peer sees %s", c.guest, h.remote)
			}
		case <-time.After(peerTimeout):
			t.Errorf("no %q connection reached the native peer", c.line)
		}
	}
}

// ECONNREFUSED from a blocking connect and, through poll() and SO_ERROR,
// from a non-blocking one.
func TestCSDKConnectRefused(t *testing.T) {
	g := csdkNet(t)
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			host, port, _ := net.SplitHostPort(closedPort(t, lb.tcp, lb.host))
			r := run(t, opts{}, "run", "--allow-net=loopback", g, "refused", host, port)
			expectCode(t, r, 0)
			expectStdout(t, r, "refused Connection refused\nok\n")
		})
	}
}

// EAGAIN: fcntl(O_NONBLOCK) for recv, read and recvfrom, MSG_DONTWAIT on
// a blocking socket, SO_RCVTIMEO per call (each of two 300 ms waits
// measured in the guest), accept on an empty non-blocking listener; then
// a blocking recv(MSG_WAITALL) waits for the peer's answer.
func TestCSDKEAGAINAndTimeouts(t *testing.T) {
	g := csdkNet(t)
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	serveOne(t, l, func(c net.Conn) {
		if s, err := bufio.NewReader(c).ReadString('\n'); err == nil && s == "go\n" {
			time.Sleep(50 * time.Millisecond) // the guest is waiting by now
			c.Write([]byte("data\n"))
		}
	})
	_, port, _ := net.SplitHostPort(l.Addr().String())
	r := run(t, opts{}, "run", "--allow-net=loopback", "--allow-listen=loopback", g, "eagain", "127.0.0.1", port)
	expectCode(t, r, 0)
	out := lines(r.stdout)
	if len(out) != 4 || out[2] != "got data" || out[3] != "ok" {
		t.Fatalf("guest output:\n%s", r)
	}
	for _, l := range out[:2] {
		ms, err := strconv.Atoi(field(t, strings.Replace(l, "waited_ms ", "waited_ms=", 1), "waited_ms"))
		if err != nil || ms < 290 || ms > 5000 {
			t.Errorf("%q: a 300 ms receive timeout waited %d ms", l, ms)
		}
	}
}

// EBADF for unknown and closed fds, ENOTSOCK for stdout, and the numbers
// the SDK refuses itself (a Linux AF_INET6 or SOCK_STREAM, IPPROTO_IP
// options that the host would misread).
func TestCSDKBadFdsAndRefusals(t *testing.T) {
	r := run(t, opts{}, "run", "--allow-net=loopback", csdkNet(t), "badf")
	expectCode(t, r, 0)
	expectStdout(t, r, "ok\n")
}

// getaddrinfo's errors and helpers: an invalid name is EAI_NONAME, bad
// flags, families and services their own codes, numeric hosts need no
// lookup; getnameinfo, gethostbyname, inet_pton/ntop/addr/ntoa.
func TestCSDKGetaddrinfoErrors(t *testing.T) {
	r := run(t, opts{}, "run", "--allow-dns", csdkResolve(t), "gai")
	expectCode(t, r, 0)
	expectStdout(t, r, "nonexistent: Name does not resolve\nok\n")
	// Without --allow-dns a lookup is refused: EAI_SYSTEM with EACCES.
	r = run(t, opts{}, "run", csdkResolve(t), "resolve", "localhost", "any")
	expectCode(t, r, 0)
	expectStdout(t, r, "any error Permission denied\nok\n")
}

// getaddrinfo("localhost") answers what the host's resolver answers (both
// families where the machine's /etc/hosts has both), and numeric names
// resolve to themselves per family.
func TestCSDKGetaddrinfoLocalhost(t *testing.T) {
	g := csdkResolve(t)
	ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
	defer cancel()
	native, err := net.DefaultResolver.LookupIPAddr(ctx, "localhost")
	if err != nil {
		t.Fatalf("native lookup of localhost: %v", err)
	}
	var want []string
	for _, a := range native {
		family := "inet6"
		if a.IP.To4() != nil {
			family = "inet"
		}
		want = append(want, fmt.Sprintf("any addr %s %s", family, a.IP))
	}
	sort.Strings(want)
	// AF_UNSPEC only: asking for a family /etc/hosts lacks would go on to
	// DNS, off this machine.
	r := run(t, opts{}, "run", "--allow-dns", g, "resolve", "localhost", "any")
	expectCode(t, r, 0)
	got := lines(r.stdout)
	if len(got) == 0 || got[len(got)-1] != "ok" {
		t.Fatalf("guest output:\n%s", r)
	}
	got = got[:len(got)-1]
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("guest resolved localhost to\n%s\nthe host to\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	t.Logf("localhost: %s", strings.Join(got, "; "))

	for _, c := range []struct{ name, out string }{
		{"127.0.0.1", "any addr inet 127.0.0.1\ninet addr inet 127.0.0.1\ninet6 error EAI_NONAME\nok\n"},
		{"::1", "any addr inet6 ::1\ninet error EAI_NONAME\ninet6 addr inet6 ::1\nok\n"},
	} {
		r := run(t, opts{}, "run", g, "resolve", c.name, "any", "inet", "inet6")
		expectCode(t, r, 0)
		expectStdout(t, r, c.out)
	}
}

// poll() over a socket, a file and stdin; a poll timeout measured in the
// guest; select() for writability and readability; a peer's close seen as
// POLLIN with a 0-byte read.
func TestCSDKPollAcrossKinds(t *testing.T) {
	g := csdkNet(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte("file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	serveOne(t, l, func(c net.Conn) {
		if s, err := bufio.NewReader(c).ReadString('\n'); err == nil && s == "go\n" {
			c.Write([]byte("data\n"))
			time.Sleep(50 * time.Millisecond)
			c.Close()
		}
	})
	_, port, _ := net.SplitHostPort(l.Addr().String())
	r := run(t, opts{stdin: []byte("stdin line\n")}, "run", "--allow-net=loopback", "--dir", dir+"::/d", g,
		"pollmix", "127.0.0.1", port, "/d/f.txt")
	expectCode(t, r, 0)
	out := lines(r.stdout)
	if len(out) != 4 || !strings.HasPrefix(out[0], "poll1 ") || out[3] != "ok" {
		t.Fatalf("guest output:\n%s", r)
	}
	if field(t, out[0], "socket") != "0" || field(t, out[0], "file") != "1" {
		t.Errorf("first poll: %q, want the file readable and the socket not", out[0])
	}
	ms, err := strconv.Atoi(strings.TrimPrefix(out[1], "poll timeout waited_ms "))
	if err != nil || ms < 190 || ms > 5000 {
		t.Errorf("%q: a 200 ms poll timeout", out[1])
	}
}

// A --listen socket with a --dir preopened: wasi-libc's start-up walk of
// the preopens finds the directory and stops at the socket (EBADF), and
// the program reads its file and serves the listener through the SDK.
// (listen_plain_test.go: the same without the SDK.)
func TestCSDKListenWithDir(t *testing.T) {
	g := csdkNet(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "greeting.txt"), []byte("from a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The directory is fd 3, the listener fd 4 (no implicit directories).
	p := startGuest(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--listen", "tcp://127.0.0.1:0", "--allow-listen=loopback",
		"--dir", dir+"::/d", g, "listenfd", "4", "/d/greeting.txt")
	url, fd := p.hostListening()
	if fd != 4 {
		t.Fatalf("listener at fd %d, want 4", fd)
	}
	p.waitLine("ready", guestStartTimeout)
	c := dialNative(t, "tcp4", strings.TrimPrefix(url, "tcp://"))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "from a file\n" {
		t.Fatalf("read %q, %v\n%s", buf[:n], err, p.output())
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	expectStdout(t, r, "ready\nok\n")
}

// sendmsg/recvmsg between two guest UDP sockets on real loopback: gather
// and scatter, the source address, MSG_TRUNC, MSG_PEEK, EDESTADDRREQ, and
// control data refused.
func TestCSDKDatagramMessages(t *testing.T) {
	g := csdkNet(t)
	for _, lb := range loopbacks {
		t.Run(lb.name, func(t *testing.T) {
			r := run(t, opts{}, "run", "--allow-net=loopback", "--allow-listen=loopback", g, "dgram", lb.host)
			expectCode(t, r, 0)
			expectStdout(t, r, "ok\n")
		})
	}
}

// A non-blocking send stops with EAGAIN when the buffers are full (the
// native peer reads nothing yet); SO_SNDTIMEO bounds a blocking send
// (about 200 ms, measured in the guest); every byte the guest counted
// as sent arrives, and a later blocking send completes in full.
func TestCSDKSendBufferAndTimeout(t *testing.T) {
	g := csdkNet(t)
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	conns := acceptAsync(t, l, 1)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	p := startGuest(t, opts{}, "run", "--allow-net=loopback", g, "sendbuf", "127.0.0.1", port)
	a := <-conns
	if a.err != nil {
		t.Fatal(a.err)
	}
	full := p.waitLine("full after ", guestStartTimeout)
	timed := p.waitLine("timed send waited_ms ", peerTimeout)
	sentLine := p.waitLine("sent ", peerTimeout)
	sent, _ := strconv.Atoi(strings.TrimPrefix(sentLine, "sent "))
	// Now drain: everything counted so far, then the final blocking send.
	a.conn.SetDeadline(time.Now().Add(peerTimeout))
	got, err := io.ReadAll(a.conn)
	if err != nil {
		t.Fatalf("drain: %v\n%s", err, p.output())
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	final, _ := strconv.Atoi(strings.TrimPrefix(lines(r.stdout)[3], "final "))
	if len(got) != final || final != sent+65536 {
		t.Errorf("peer received %d bytes; guest counted %d then %d\n%s", len(got), sent, final, r)
	}
	ms, _ := strconv.Atoi(strings.TrimPrefix(timed, "timed send waited_ms "))
	if ms < 190 || ms > 5000 {
		t.Errorf("%q: a 200 ms send timeout", timed)
	}
	t.Logf("%s; %s; %s", full, timed, sentLine)
}

// Unix stream and datagram sockets between guest sockets in a preopened
// directory: an accepted peer is unnamed, a datagram names its sender's
// guest path, and the socket files are the host's.
func TestCSDKUnixSockets(t *testing.T) {
	dir := shortTempDir(t)
	r := run(t, opts{}, "run", "--dir", dir+"::/run", "--allow-unix="+dir, csdkNet(t), "unix", "/run")
	expectCode(t, r, 0)
	expectStdout(t, r, "unix source /run/d1.sock\nok\n")
	for _, name := range []string{"stream.sock", "d1.sock", "d2.sock"} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || fi.Mode()&os.ModeSocket == 0 {
			t.Errorf("%s in the host directory: %v", name, err)
		}
	}
	// Without --allow-unix the policy refuses: EACCES, which the guest reports.
	dir2 := shortTempDir(t)
	r = run(t, opts{}, "run", "--dir", dir2+"::/run", csdkNet(t), "unix", "/run")
	expectCode(t, r, 1)
	if !strings.Contains(r.stderr, "Permission denied") {
		t.Errorf("no EACCES without --allow-unix\n%s", r)
	}
}

// SO_SNDTIMEO bounds a blocking connect (about 300 ms, measured in the
// guest, then EINPROGRESS); a refused connect with the timeout set is still
// ECONNREFUSED, and a good one connects.
func TestCSDKConnectTimeout(t *testing.T) {
	g := csdkNet(t)
	_, stalled, _ := net.SplitHostPort(fullListener(t))
	_, closed, _ := net.SplitHostPort(closedPort(t, "tcp4", "127.0.0.1"))
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	got := make(chan string, 1)
	serveOne(t, l, func(c net.Conn) {
		s, _ := bufio.NewReader(c).ReadString('\n')
		got <- s
	})
	_, open, _ := net.SplitHostPort(l.Addr().String())
	r := run(t, opts{}, "run", "--allow-net=loopback", g, "connecttimeout", "127.0.0.1", stalled, closed, open)
	expectCode(t, r, 0)
	out := lines(r.stdout)
	if len(out) != 2 || out[1] != "ok" {
		t.Fatalf("guest output:\n%s", r)
	}
	ms, err := strconv.Atoi(strings.TrimPrefix(out[0], "connect timeout waited_ms "))
	if err != nil || ms < 290 || ms > 5000 {
		t.Errorf("%q: a 300 ms connect timeout", out[0])
	}
	select {
	case s := <-got:
		if s != "timed connect\n" {
			t.Errorf("native peer read %q", s)
		}
	case <-time.After(peerTimeout):
		t.Error("the good connect never reached the native peer")
	}
}
