//go:build wasip1

package wasinet

import (
	"context"
	"net"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Listen opens a listening socket on the host: network "tcp", "tcp4",
// "tcp6" or "unix"; address "host:port" (port 0: the kernel picks one,
// see Addr) or a unix socket path inside the guest's preopened
// directories. Accept waits in Go's netpoller, so an idle server costs
// no CPU. The host's policy decides what may be bound (e.g. wasinet run
// --allow-listen=127.0.0.1:8080).
func Listen(ctx context.Context, network, address string) (net.Listener, error) {
	f, fd, to, laddr, err := bindSocket(ctx, network, address, sockStream, "tcp", "tcp4", "tcp6", "unix")
	if err != nil {
		return nil, err
	}
	if err := sockListen(fd); err != nil {
		f.Close()
		return nil, opError("listen", network, nil, laddr, os.NewSyscallError("listen", err))
	}
	fl, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, opError("listen", network, nil, laddr, err)
	}
	tl, ok := fl.(fileListener)
	if !ok {
		fl.Close()
		return nil, opError("listen", network, nil, laddr, syscall.ENOTSUP)
	}
	l := &listener{tl: tl, network: network, addr: laddr}
	if to.kind == kindUnix {
		l.unlink, l.connLocal = to.path, laddr
	} else if ta, ok := laddr.(*net.TCPAddr); ok && !ta.IP.IsUnspecified() {
		l.connLocal = laddr
	}
	return l, nil
}

// bindSocket opens a socket of sotype bound to address, for one of the
// networks a caller accepts: what Listen and ListenPacket share. Its
// errors are the *net.OpError those return.
func bindSocket(ctx context.Context, network, address string, sotype int32, networks ...string) (
	f *os.File, fd int32, to sockAddr, laddr net.Addr, err error) {
	if !slices.Contains(networks, network) {
		return nil, 0, to, nil, &net.OpError{Op: "listen", Net: network, Addr: unresolvedAddr{network, address},
			Err: net.UnknownNetworkError(network)}
	}
	if to, err = listenAddr(ctx, network, address); err != nil {
		return nil, 0, to, nil, opError("listen", network, nil, unresolvedAddr{network, address}, err)
	}
	if f, fd, laddr, err = openBound(network, sotype, to); err != nil {
		return nil, 0, to, nil, opError("listen", network, nil, to.netAddr(network), err)
	}
	return f, fd, to, laddr, nil
}

// listenAddr resolves the address to bind.
func listenAddr(ctx context.Context, network, address string) (sockAddr, error) {
	if isUnix(network) {
		return sockAddr{kind: kindUnix, path: address}, nil
	}
	addrs, err := resolveIPAddrs(ctx, network, address, true, LookupPort, lookupIPAddrs)
	if err != nil {
		return sockAddr{}, err
	}
	return ipSockAddr(addrs[0]), nil
}

// openBound makes a socket bound to `to` and reports the address the host
// bound (the port the kernel chose for port 0). SO_REUSEADDR on stream
// sockets, as package net sets it, so a restarted server can rebind.
func openBound(network string, sotype int32, to sockAddr) (*os.File, int32, net.Addr, error) {
	family, raw, err := encodeSockAddr(to)
	if err != nil {
		return nil, -1, nil, err
	}
	f, fd, err := newSocketFile(family, sotype, network)
	if err != nil {
		return nil, -1, nil, err
	}
	setDefaultOptions(fd, network, family)
	if sotype == sockStream && to.kind != kindUnix {
		_ = sockSetInt(fd, solSocket, soReuseAddr, 1)
	}
	if err := sockBind(fd, &raw); err != nil {
		f.Close()
		return nil, -1, nil, os.NewSyscallError("bind", err)
	}
	local, err := sockLocal(fd)
	if err != nil {
		f.Close()
		return nil, -1, nil, err
	}
	if local.kind == kindUnix && (local.path == "" || local.path == "@") {
		local.path = to.path
	}
	return f, fd, local.netAddr(network), nil
}

// fileListener is what net.FileListener returns: a *net.TCPListener with
// plain `go build`, a *net.TCPListener or *net.UnixListener with
// `wasinet go build`.
type fileListener interface {
	net.Listener
	SetDeadline(t time.Time) error
	SyscallConn() (syscall.RawConn, error)
}

// listener accepts through the listener that net.FileListener makes of
// the fd (sock_accept, then the netpoller), and gives each conn its true
// addresses.
type listener struct {
	tl      fileListener
	network string
	addr    net.Addr
	// connLocal is every accepted conn's local address when the listener
	// is bound to one (not a wildcard), which saves asking the host.
	connLocal net.Addr
	unlink    string // the unix socket file, removed on Close as package net does
	closeOnce sync.Once
}

func (l *listener) fix(err error) error {
	if oe, ok := err.(*net.OpError); ok {
		e := *oe
		e.Net, e.Addr = l.network, l.addr
		return &e
	}
	return err
}

// Accept waits for and returns the next connection. The peer's address is
// asked of the host; should the peer be gone already, the conn is still
// returned (its first read says so) with an empty address, since an error
// here would stop servers such as http.Serve.
func (l *listener) Accept() (net.Conn, error) {
	ac, err := l.tl.Accept()
	if err != nil {
		return nil, l.fix(err)
	}
	tc, ok := ac.(fileStream)
	if !ok {
		ac.Close()
		return nil, l.fix(&net.OpError{Op: "accept", Net: l.network, Addr: l.addr, Err: syscall.ENOTSUP})
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		tc.Close()
		return nil, l.fix(err)
	}
	c := &streamConn{tc: tc, network: l.network, laddr: l.connLocal}
	rc.Control(func(s uintptr) {
		fd := int32(s)
		if peer, err := sockPeer(fd); err == nil {
			c.raddr = peer.netAddr(l.network)
		}
		if c.laddr == nil {
			if local, err := sockLocal(fd); err == nil {
				c.laddr = local.netAddr(l.network)
			}
		}
		if !isUnix(l.network) { // package net's default for TCP conns
			_ = sockSetInt(fd, ipprotoTCP, tcpNoDelay, 1)
		}
	})
	if c.raddr == nil {
		c.raddr = emptyAddr(l.network)
	}
	if c.laddr == nil {
		c.laddr = l.addr
	}
	return c, nil
}

func emptyAddr(network string) net.Addr {
	if isUnix(network) {
		return &net.UnixAddr{Name: "@", Net: network} // unnamed, as package net prints it
	}
	return &net.TCPAddr{}
}

// Close stops listening; a pending Accept returns net.ErrClosed. A unix
// listener removes its socket file.
func (l *listener) Close() error {
	err := l.tl.Close()
	l.closeOnce.Do(func() {
		if l.unlink != "" && err == nil {
			os.Remove(l.unlink)
		}
	})
	return l.fix(err)
}

// Addr is the bound address, with the port the kernel chose.
func (l *listener) Addr() net.Addr { return l.addr }

// SetDeadline makes Accept give up at t with a timeout error.
func (l *listener) SetDeadline(t time.Time) error { return l.fix(l.tl.SetDeadline(t)) }

// SyscallConn gives the raw fd.
func (l *listener) SyscallConn() (syscall.RawConn, error) { return l.tl.SyscallConn() }
