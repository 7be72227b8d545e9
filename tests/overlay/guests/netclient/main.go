// netclient exercises package net's client side against native peers the
// test runs: dials over TCP, UDP and unix sockets, IPv4 and IPv6, with
// timeouts, deadlines and contexts; refused and unanswered connects; name
// lookups; TCPConn's options; a Dialer's Control and LocalAddr; a
// listener of its own. An ordinary program: it imports nothing of
// wasinet's. Each check prints "ok NAME ..." or "FAIL NAME: ...".
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

var failed bool

func check(name string, f func() (string, error)) {
	detail, err := f()
	if err != nil {
		failed = true
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	fmt.Printf("ok %s %s\n", name, detail)
}

// echo writes msg on c and reads the same bytes back.
func echo(c net.Conn, msg string) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		return err
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if string(buf) != msg {
		return fmt.Errorf("echo %q, want %q", buf, msg)
	}
	return nil
}

func main() {
	tcp4 := flag.String("tcp4", "", "native TCP echo server on 127.0.0.1")
	tcp6 := flag.String("tcp6", "", "native TCP echo server on [::1]")
	udp4 := flag.String("udp4", "", "native UDP echo server on 127.0.0.1")
	udp6 := flag.String("udp6", "", "native UDP echo server on [::1]")
	unixPath := flag.String("unix", "", "native unix stream echo server (guest path)")
	unixgram := flag.String("unixgram", "", "native unix datagram echo server (guest path)")
	closed := flag.String("closed", "", "an address where nothing listens")
	full := flag.String("full", "", "a listener whose accept queue is full (connects hang)")
	deny := flag.String("deny", "", "only dial this address, which the policy refuses")
	flag.Parse()

	if *deny != "" {
		check("deny", func() (string, error) { return dialDenied(*deny) })
		finish()
	}
	for _, p := range []struct{ name, network, addr string }{{"tcp4", "tcp4", *tcp4}, {"tcp6", "tcp6", *tcp6}} {
		check("dial-"+p.name, func() (string, error) {
			c, err := net.Dial(p.network, p.addr)
			if err != nil {
				return "", err
			}
			defer c.Close()
			if c.RemoteAddr().String() != p.addr {
				return "", fmt.Errorf("RemoteAddr %s, want %s", c.RemoteAddr(), p.addr)
			}
			la, ok := c.LocalAddr().(*net.TCPAddr)
			if !ok || !la.IP.IsLoopback() || la.Port == 0 {
				return "", fmt.Errorf("LocalAddr %#v", c.LocalAddr())
			}
			return fmt.Sprintf("%s->%s", c.LocalAddr(), c.RemoteAddr()), echo(c, "hello "+p.name)
		})
	}
	check("dialtimeout", func() (string, error) {
		c, err := net.DialTimeout("tcp", *tcp4, 5*time.Second)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return "", echo(c, "timeout but in time")
	})
	check("read-deadline", func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", *tcp6)
		if err != nil {
			return "", err
		}
		defer c.Close()
		start := time.Now()
		c.SetReadDeadline(start.Add(100 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		took := time.Since(start)
		if !errors.Is(err, os.ErrDeadlineExceeded) || took < 90*time.Millisecond || took > 5*time.Second {
			return "", fmt.Errorf("read: %v after %v, want a timeout after 100ms", err, took)
		}
		return fmt.Sprintf("timed out after %v", took.Round(time.Millisecond)), nil
	})
	for _, p := range []struct{ name, addr string }{{"udp4", *udp4}, {"udp6", *udp6}} {
		check("dial-"+p.name, func() (string, error) {
			c, err := net.Dial(p.name, p.addr)
			if err != nil {
				return "", err
			}
			defer c.Close()
			return c.LocalAddr().String(), echo(c, "datagram over "+p.name)
		})
	}
	check("udp-packetconn", func() (string, error) { return packetConn(*udp4) })
	check("dial-unix", func() (string, error) {
		c, err := net.Dial("unix", *unixPath)
		if err != nil {
			return "", err
		}
		defer c.Close()
		if c.RemoteAddr().String() != *unixPath {
			return "", fmt.Errorf("RemoteAddr %q", c.RemoteAddr())
		}
		return fmt.Sprintf("%T", c), echo(c, "over a unix socket")
	})
	check("unixgram", func() (string, error) { return unixDatagram(*unixgram) })
	check("refused", func() (string, error) {
		start := time.Now()
		_, err := net.Dial("tcp", *closed)
		took := time.Since(start)
		var oe *net.OpError
		var se *os.SyscallError
		if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &oe) || !errors.As(err, &se) || oe.Op != "dial" {
			return "", fmt.Errorf("got %#v (%v), want an *OpError wrapping ECONNREFUSED", err, err)
		}
		if took > 2*time.Second {
			return "", fmt.Errorf("took %v", took)
		}
		return fmt.Sprintf("%v in %v", err, took.Round(time.Millisecond)), nil
	})
	check("connect-timeout", func() (string, error) {
		start := time.Now()
		_, err := net.DialTimeout("tcp", *full, 300*time.Millisecond)
		took := time.Since(start)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || took < 250*time.Millisecond || took > 5*time.Second {
			return "", fmt.Errorf("%v after %v, want a timeout after 300ms", err, took)
		}
		return fmt.Sprintf("%v after %v", err, took.Round(time.Millisecond)), nil
	})
	check("connect-cancel", func() (string, error) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := (&net.Dialer{}).DialContext(ctx, "tcp", *full)
		took := time.Since(start)
		if !errors.Is(err, context.Canceled) || took > 5*time.Second {
			return "", fmt.Errorf("%v after %v, want context.Canceled", err, took)
		}
		return fmt.Sprintf("after %v", took.Round(time.Millisecond)), nil
	})
	check("lookup-localhost", func() (string, error) {
		addrs, err := net.LookupHost("localhost")
		if err != nil {
			return "", err
		}
		for _, a := range addrs {
			if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
				return "", fmt.Errorf("localhost is %v", addrs)
			}
		}
		_, port, _ := net.SplitHostPort(*tcp4)
		c, err := net.Dial("tcp", net.JoinHostPort("localhost", port))
		if err != nil {
			return "", err
		}
		defer c.Close()
		return fmt.Sprint(addrs), echo(c, "dialed by name")
	})
	check("resolver", func() (string, error) { return resolver() })
	check("tcpconn-options", func() (string, error) { return tcpOptions(*tcp4) })
	check("dialer-control", func() (string, error) { return dialerControl(*tcp4) })
	check("own-listener", func() (string, error) { return ownListener() })
	check("own-unix-listener", func() (string, error) { return ownUnixListener(*unixPath + ".own") })
	finish()
}

func finish() {
	if failed {
		fmt.Println("done with failures")
		os.Exit(1)
	}
	fmt.Println("done")
	os.Exit(0)
}

func dialDenied(addr string) (string, error) {
	_, err := net.DialTimeout("tcp", addr, 5*time.Second)
	var oe *net.OpError
	if !errors.Is(err, syscall.EACCES) || !errors.As(err, &oe) {
		return "", fmt.Errorf("got %v, want an *OpError wrapping EACCES", err)
	}
	return err.Error(), nil
}

func packetConn(server string) (string, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer pc.Close()
	uc := pc.(*net.UDPConn)
	uc.SetDeadline(time.Now().Add(10 * time.Second))
	to, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		return "", err
	}
	if _, err := pc.WriteTo([]byte("one"), to); err != nil {
		return "", err
	}
	buf := make([]byte, 64)
	n, from, err := pc.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "one" || from.String() != server {
		return "", fmt.Errorf("ReadFrom: %q from %v, %v", buf[:n], from, err)
	}
	if _, _, err := uc.WriteMsgUDP([]byte("two"), nil, to); err != nil {
		return "", err
	}
	n, ap, err := uc.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:n]) != "two" || ap.String() != server {
		return "", fmt.Errorf("ReadFromUDPAddrPort: %q from %v, %v", buf[:n], ap, err)
	}
	start := time.Now()
	uc.SetReadDeadline(start.Add(100 * time.Millisecond))
	if _, _, err := uc.ReadFrom(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		return "", fmt.Errorf("ReadFrom with nothing to read: %v, want a timeout", err)
	}
	return fmt.Sprintf("%s <-> %s", pc.LocalAddr(), server), nil
}

func unixDatagram(server string) (string, error) {
	local := server + ".client"
	os.Remove(local)
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: local, Net: "unixgram"})
	if err != nil {
		return "", err
	}
	defer c.Close()
	defer os.Remove(local)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.WriteToUnix([]byte("unix datagram"), &net.UnixAddr{Name: server, Net: "unixgram"}); err != nil {
		return "", err
	}
	buf := make([]byte, 64)
	n, from, err := c.ReadFromUnix(buf)
	if err != nil || string(buf[:n]) != "unix datagram" {
		return "", fmt.Errorf("ReadFromUnix: %q from %v, %v", buf[:n], from, err)
	}
	return fmt.Sprintf("%s <-> %s", c.LocalAddr(), from), nil
}

func resolver() (string, error) {
	ctx := context.Background()
	port, err := net.LookupPort("tcp", "http")
	if err != nil || port != 80 {
		return "", fmt.Errorf("LookupPort http: %d, %v", port, err)
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", "localhost")
	if err != nil || len(ips) == 0 || !ips[0].IsLoopback() || !ips[0].Is4() {
		return "", fmt.Errorf("LookupNetIP ip4 localhost: %v, %v", ips, err)
	}
	_, err = net.LookupTXT("localhost")
	var de *net.DNSError
	if !errors.As(err, &de) {
		return "", fmt.Errorf("LookupTXT: %v, want a *DNSError", err)
	}
	_, err = net.LookupHost("no-such-host.invalid")
	if !errors.As(err, &de) || !de.IsNotFound {
		return "", fmt.Errorf("LookupHost of a name that does not exist: %#v", err)
	}
	return fmt.Sprintf("http=%d localhost=%v", port, ips), nil
}

func tcpOptions(addr string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	tc := c.(*net.TCPConn)
	for name, err := range map[string]error{
		"SetNoDelay(false)":  tc.SetNoDelay(false),
		"SetKeepAlive":       tc.SetKeepAlive(true),
		"SetKeepAlivePeriod": tc.SetKeepAlivePeriod(30 * time.Second),
		"SetKeepAliveConfig": tc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: time.Minute}),
		"SetLinger":          tc.SetLinger(5),
		"SetReadBuffer":      tc.SetReadBuffer(128 << 10),
		"SetWriteBuffer":     tc.SetWriteBuffer(128 << 10),
	} {
		if err != nil {
			return "", fmt.Errorf("%s: %v", name, err)
		}
	}
	if err := echo(c, "after the options"); err != nil {
		return "", err
	}
	// Half-close: the echo server sees EOF, sends what it has and closes.
	if _, err := tc.Write([]byte("last words")); err != nil {
		return "", err
	}
	if err := tc.CloseWrite(); err != nil {
		return "", err
	}
	rest, err := io.ReadAll(tc)
	if err != nil || !bytes.Equal(rest, []byte("last words")) {
		return "", fmt.Errorf("after CloseWrite: %q, %v", rest, err)
	}
	return "", nil
}

func dialerControl(addr string) (string, error) {
	var network, address string
	var fd uintptr
	d := net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)},
		Control: func(nw, a string, rc syscall.RawConn) error {
			network, address = nw, a
			return rc.Control(func(s uintptr) { fd = s })
		},
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if network != "tcp4" || address != addr || fd < 3 {
		return "", fmt.Errorf("Control saw %q %q fd %d", network, address, fd)
	}
	if ip := c.LocalAddr().(*net.TCPAddr).IP; !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		return "", fmt.Errorf("LocalAddr %v", c.LocalAddr())
	}
	return fmt.Sprintf("%s %s fd=%d", network, address, fd), echo(c, "controlled")
}

// ownListener listens, dials itself through the host and accepts.
func ownListener() (string, error) {
	lc := net.ListenConfig{KeepAlive: -1}
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return "", err
	}
	defer c.Close()
	s, ok := <-accepted
	if !ok {
		return "", errors.New("accept failed")
	}
	defer s.Close()
	if s.RemoteAddr().String() != c.LocalAddr().String() || s.LocalAddr().String() != l.Addr().String() {
		return "", fmt.Errorf("accepted %s->%s, dialed %s->%s", s.RemoteAddr(), s.LocalAddr(), c.LocalAddr(), c.RemoteAddr())
	}
	l.(*net.TCPListener).SetDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := l.Accept(); !errors.Is(err, os.ErrDeadlineExceeded) {
		return "", fmt.Errorf("Accept past its deadline: %v", err)
	}
	return fmt.Sprintf("%s accepted %s", l.Addr(), s.RemoteAddr()), nil
}

// ownUnixListener listens on a unix socket path, dials it and accepts; the
// listener's Close removes the socket file, as on other systems.
func ownUnixListener(path string) (string, error) {
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return "", err
	}
	if l.Addr().String() != path {
		l.Close()
		return "", fmt.Errorf("listening on %q, want %q", l.Addr(), path)
	}
	go func() {
		if c, err := l.Accept(); err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	c, err := net.Dial("unix", path)
	if err != nil {
		l.Close()
		return "", err
	}
	err = echo(c, "to myself over a unix socket")
	c.Close()
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	if _, serr := os.Stat(path); err == nil && !errors.Is(serr, os.ErrNotExist) {
		err = fmt.Errorf("after Close, stat %s: %v (want it removed)", path, serr)
	}
	return fmt.Sprintf("%T on %s", l, path), err
}
