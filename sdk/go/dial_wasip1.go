//go:build wasip1

package wasinet

import (
	"context"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

// DialContext connects to address on network (see Dial), within the
// earliest of the context's deadline, d.Timeout and d.Deadline. Each
// address a name resolves to is tried in turn, each with a fair share of
// the time left, as package net does.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if ctx == nil {
		panic("nil context")
	}
	switch network {
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram":
	default:
		return nil, &net.OpError{Op: "dial", Net: network, Source: d.LocalAddr,
			Addr: unresolvedAddr{network, address}, Err: net.UnknownNetworkError(network)}
	}
	if dl := d.deadline(ctx, time.Now()); !dl.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}
	if d.Cancel != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-d.Cancel:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	if isUnix(network) {
		to := sockAddr{kind: kindUnix, path: address}
		c, err := d.dialOne(ctx, network, address, to)
		return c, opError("dial", network, d.LocalAddr, to.netAddr(network), err)
	}
	addrs, err := resolveIPAddrs(ctx, network, address, false, LookupPort, d.lookupIP)
	if err != nil {
		return nil, opError("dial", network, d.LocalAddr, unresolvedAddr{network, address}, err)
	}
	var first error
	for i, ap := range addrs {
		actx := ctx
		if dl, ok := ctx.Deadline(); ok && len(addrs)-i > 1 {
			var cancel context.CancelFunc
			actx, cancel = context.WithDeadline(ctx, partialDeadline(time.Now(), dl, len(addrs)-i))
			defer cancel()
		}
		to := ipSockAddr(ap)
		c, err := d.dialOne(actx, network, address, to)
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = opError("dial", network, d.LocalAddr, to.netAddr(network), err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// partialDeadline gives one of n remaining addresses its share of the time
// until deadline, but at least 2 s (or all that is left), as package net.
func partialDeadline(now, deadline time.Time, n int) time.Time {
	left := deadline.Sub(now)
	share := left / time.Duration(n)
	if share < 2*time.Second {
		share = min(2*time.Second, left)
	}
	return now.Add(share)
}

func (d *Dialer) lookupIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if d.Resolver != nil {
		return d.Resolver.LookupNetIP(ctx, network, host)
	}
	return lookupIPAddrs(ctx, network, host)
}

func ipSockAddr(ap netip.AddrPort) sockAddr {
	if ap.Addr().Is4() {
		return sockAddr{kind: kindInet, ap: ap}
	}
	return sockAddr{kind: kindInet6, ap: ap}
}

// encodeSockAddr picks the socket family for a destination and lays it out.
func encodeSockAddr(to sockAddr) (uint16, rawAddr, error) {
	fam := hostFamilies()
	switch to.kind {
	case kindUnix:
		a, err := encodeUnix(fam, to.path)
		return fam.unix, a, err
	case kindInet:
		a, err := encodeIP(fam, fam.inet, to.ap)
		return fam.inet, a, err
	}
	a, err := encodeIP(fam, fam.inet6, to.ap)
	return fam.inet6, a, err
}

// dialOne makes one socket and connects it to `to`.
func (d *Dialer) dialOne(ctx context.Context, network, address string, to sockAddr) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	family, raw, err := encodeSockAddr(to)
	if err != nil {
		return nil, err
	}
	sotype := int32(sockStream)
	if isDatagram(network) {
		sotype = sockDgram
	}
	f, fd, err := newSocketFile(family, sotype, network)
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			f.Close()
		}
	}()
	setDefaultOptions(fd, network, family)
	if sotype == sockStream && !isUnix(network) && d.KeepAlive >= 0 {
		_ = sockSetInt(fd, solSocket, soKeepAlive, 1) // best effort, as package net
	}
	if d.LocalAddr != nil {
		if err := bindLocal(fd, family, d.LocalAddr); err != nil {
			return nil, err
		}
	}
	if d.ControlContext != nil || d.Control != nil {
		rc, err := f.SyscallConn()
		if err != nil {
			return nil, err
		}
		target := to.netAddr(network).String()
		if d.ControlContext != nil {
			err = d.ControlContext(ctx, network, target, rc)
		} else {
			err = d.Control(network, target, rc)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := connect(ctx, f, fd, &raw); err != nil {
		return nil, err
	}
	var c net.Conn
	if sotype == sockStream {
		c, err = newStreamConn(f, fd, network, to.netAddr(network), nil)
	} else {
		c, err = newDgramConn(f, fd, network, family, to.netAddr(network))
	}
	if err != nil {
		return nil, err
	}
	keep = true
	return c, nil
}

// setDefaultOptions sets what package net sets on every new socket:
// SO_BROADCAST on UDP, TCP_NODELAY on TCP, and IPV6_V6ONLY only for the
// "6" networks (so "tcp"/"udp" on an IPv6 wildcard are dual-stack).
// Failures are ignored, as there.
func setDefaultOptions(fd int32, network string, family uint16) {
	switch network {
	case "udp", "udp4", "udp6":
		_ = sockSetInt(fd, solSocket, soBroadcast, 1)
	case "tcp", "tcp4", "tcp6":
		_ = sockSetInt(fd, ipprotoTCP, tcpNoDelay, 1)
	}
	if family == hostFamilies().inet6 {
		v6only := int32(0)
		if network == "tcp6" || network == "udp6" {
			v6only = 1
		}
		_ = sockSetInt(fd, ipprotoIPv6, ipv6V6Only, v6only)
	}
}

func bindLocal(fd int32, family uint16, laddr net.Addr) error {
	var raw rawAddr
	var err error
	fam := hostFamilies()
	switch a := laddr.(type) {
	case *net.TCPAddr:
		raw, err = encodeIP(fam, family, a.AddrPort())
	case *net.UDPAddr:
		raw, err = encodeIP(fam, family, a.AddrPort())
	case *net.UnixAddr:
		raw, err = encodeUnix(fam, a.Name)
	default:
		err = &net.AddrError{Err: "unsupported local address type", Addr: laddr.String()}
	}
	if err != nil {
		return err
	}
	if err := sockBind(fd, &raw); err != nil {
		return os.NewSyscallError("bind", err)
	}
	return nil
}

// connect starts a connect and, for a stream socket (EINPROGRESS), waits
// for its outcome in Go's netpoller: the fd turns writable when the
// connect is done, then SO_ERROR says how it ended. While the connect is
// still under way SO_ERROR is 0 and sock_getpeeraddr says ENOTCONN, so the
// callback asks to wait again. The context's end sets a past write
// deadline on the file, which wakes that wait at once.
func connect(ctx context.Context, f *os.File, fd int32, to *rawAddr) error {
	err := sockConnect(fd, to)
	if err == nil {
		return nil
	}
	if err != syscall.EINPROGRESS && err != syscall.EALREADY && err != syscall.EINTR {
		return os.NewSyscallError("connect", err)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	var connErr error
	wakes := 0
	werr := rc.Write(func(s uintptr) bool {
		if connErr = sockError(int32(s)); connErr != nil {
			return true
		}
		var a rawAddr
		perr := errnoErr(sock_getpeeraddrRaw(int32(s), &a))
		// The first call comes before any wait. Later ones follow a
		// writability report, which ends a connect: still not connected
		// then (and no error) means it will not be, so give up rather
		// than go round again.
		if perr == syscall.ENOTCONN && wakes < 2 {
			wakes++
			return false
		}
		connErr = perr
		return true
	})
	if cerr := ctx.Err(); cerr != nil {
		return contextError(cerr)
	}
	if connErr != nil {
		return os.NewSyscallError("connect", connErr)
	}
	return werr
}
