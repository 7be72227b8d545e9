//go:build wasip1

package wasinet

import (
	"context"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// ListenPacket opens a datagram socket bound to address: network "udp",
// "udp4", "udp6" (address "host:port") or "unixgram" (a socket path in the
// guest's preopened directories). UDP sockets are *UDPConn-like: they also
// have ReadFromUDPAddrPort, WriteToUDPAddrPort, ReadFromUDP and WriteToUDP.
func ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	f, fd, to, laddr, err := bindSocket(ctx, network, address, sockDgram, "udp", "udp4", "udp6", "unixgram")
	if err != nil {
		return nil, err
	}
	family, _, _ := encodeSockAddr(to)
	c, err := newDgramConnLocal(f, fd, network, family, nil, laddr)
	if err != nil {
		f.Close()
		return nil, opError("listen", network, nil, laddr, err)
	}
	return c.(net.PacketConn), nil
}

// dgramConn is a datagram socket on an *os.File. Its reads and writes are
// wasinet_v0 sock_recv_from/sock_send_to calls made from the file's raw
// conn: when one says EAGAIN the callback returns false and the goroutine
// waits in Go's netpoller (poll_oneoff) for the fd, under the file's
// deadlines. Nothing retries in a loop.
type dgramConn struct {
	f       *os.File
	rc      syscall.RawConn
	network string
	family  uint16 // the socket's host family, for encoding destinations
	laddr   net.Addr
	raddr   net.Addr // nil unless connected
	// closed is set by Close: a call it interrupts gets the os package's
	// internal "use of closed file", which this turns into net.ErrClosed.
	closed atomic.Bool
}

// UDPConn is a UDP socket: ListenPacket("udp", ...) and Dial("udp", ...)
// return one. Besides net.Conn and net.PacketConn it has the netip-based
// and *net.UDPAddr-based methods of *net.UDPConn.
type UDPConn struct{ dgramConn }

// UnixgramConn is a unix datagram socket, from ListenPacket("unixgram",
// ...) or Dial("unixgram", ...).
type UnixgramConn struct{ dgramConn }

func newDgramConn(f *os.File, fd int32, network string, family uint16, raddr net.Addr) (net.Conn, error) {
	local, err := sockLocal(fd)
	if err != nil {
		return nil, err
	}
	return newDgramConnLocal(f, fd, network, family, raddr, local.netAddr(network))
}

func newDgramConnLocal(f *os.File, fd int32, network string, family uint16, raddr, laddr net.Addr) (net.Conn, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	if network == "unixgram" {
		c := &UnixgramConn{}
		c.init(f, rc, network, family, laddr, raddr)
		return c, nil
	}
	c := &UDPConn{}
	c.init(f, rc, network, family, laddr, raddr)
	return c, nil
}

func (c *dgramConn) init(f *os.File, rc syscall.RawConn, network string, family uint16, laddr, raddr net.Addr) {
	c.f, c.rc, c.network, c.family, c.laddr, c.raddr = f, rc, network, family, laddr, raddr
}

func (c *dgramConn) opErr(op string, addr net.Addr, err error) error {
	if err == nil {
		return nil
	}
	if addr == nil {
		addr = c.raddr
	}
	if c.closed.Load() && op != "close" {
		err = net.ErrClosed
	}
	return &net.OpError{Op: op, Net: c.network, Source: c.laddr, Addr: addr, Err: closedError(err)}
}

// recv receives one datagram into b; from gets its source.
func (c *dgramConn) recv(b []byte, from *rawAddr) (int, error) {
	var n int
	var serr error
	err := c.rc.Read(func(fd uintptr) bool {
		n, serr = sockRecvFrom(int32(fd), b, from)
		return serr != syscall.EAGAIN && serr != syscall.EINTR
	})
	if err == nil && serr != nil {
		err = os.NewSyscallError("recvfrom", serr)
	}
	return n, err
}

// send sends b as one datagram to `to` (nil: the connected peer).
func (c *dgramConn) send(b []byte, to *rawAddr) (int, error) {
	var n int
	var serr error
	err := c.rc.Write(func(fd uintptr) bool {
		n, serr = sockSendTo(int32(fd), b, to)
		return serr != syscall.EAGAIN && serr != syscall.EINTR
	})
	if err == nil && serr != nil {
		err = os.NewSyscallError("sendto", serr)
	}
	return n, err
}

func (c *dgramConn) readFrom(b []byte) (int, sockAddr, error) {
	var from rawAddr
	n, err := c.recv(b, &from)
	if err != nil {
		return 0, sockAddr{}, c.opErr("read", nil, err)
	}
	src, err := from.decode(hostFamilies())
	if err != nil {
		return 0, sockAddr{}, c.opErr("read", nil, err)
	}
	return n, src, nil
}

// Read receives one datagram (from the connected peer, when connected).
func (c *dgramConn) Read(b []byte) (int, error) {
	var from rawAddr
	n, err := c.recv(b, &from)
	return n, c.opErr("read", nil, err)
}

// Write sends b as one datagram to the connected peer.
func (c *dgramConn) Write(b []byte) (int, error) {
	n, err := c.send(b, nil)
	return n, c.opErr("write", nil, err)
}

// ReadFrom receives one datagram and its source address.
func (c *dgramConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, src, err := c.readFrom(b)
	if err != nil {
		return 0, nil, err
	}
	return n, src.netAddr(c.network), nil
}

// WriteTo sends b as one datagram to addr (a *net.UDPAddr or
// *net.UnixAddr). On a connected socket it fails with
// net.ErrWriteToConnected, as in package net.
func (c *dgramConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	var to sockAddr
	switch a := addr.(type) {
	case *net.UDPAddr:
		to = ipSockAddr(a.AddrPort())
	case *net.UnixAddr:
		to = sockAddr{kind: kindUnix, path: a.Name}
	default:
		return 0, c.opErr("write", addr, syscall.EINVAL)
	}
	return c.writeTo(b, to, addr)
}

func (c *dgramConn) writeTo(b []byte, to sockAddr, addr net.Addr) (int, error) {
	if c.raddr != nil {
		return 0, c.opErr("write", addr, net.ErrWriteToConnected)
	}
	var raw rawAddr
	var err error
	fam := hostFamilies()
	if to.kind == kindUnix {
		raw, err = encodeUnix(fam, to.path)
	} else {
		raw, err = encodeIP(fam, c.family, to.ap)
	}
	if err != nil {
		return 0, c.opErr("write", addr, err)
	}
	n, err := c.send(b, &raw)
	return n, c.opErr("write", addr, err)
}

func (c *dgramConn) Close() error {
	c.closed.Store(true)
	return c.opErr("close", nil, c.f.Close())
}

func (c *dgramConn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr is the connected peer, or nil for a socket from ListenPacket.
func (c *dgramConn) RemoteAddr() net.Addr { return c.raddr }

func (c *dgramConn) SetDeadline(t time.Time) error {
	return c.opErr("set", c.laddr, c.f.SetDeadline(t))
}

func (c *dgramConn) SetReadDeadline(t time.Time) error {
	return c.opErr("set", c.laddr, c.f.SetReadDeadline(t))
}

func (c *dgramConn) SetWriteDeadline(t time.Time) error {
	return c.opErr("set", c.laddr, c.f.SetWriteDeadline(t))
}

// SyscallConn gives the raw fd.
func (c *dgramConn) SyscallConn() (syscall.RawConn, error) { return c.rc, nil }

func (c *dgramConn) setInt(name uint32, v int) error {
	var serr error
	err := c.rc.Control(func(fd uintptr) { serr = sockSetInt(int32(fd), solSocket, name, int32(v)) })
	if err == nil && serr != nil {
		err = os.NewSyscallError("setsockopt", serr)
	}
	return c.opErr("set", c.laddr, err)
}

// SetReadBuffer sets the kernel's receive buffer size (SO_RCVBUF).
func (c *dgramConn) SetReadBuffer(bytes int) error { return c.setInt(soRcvBuf, bytes) }

// SetWriteBuffer sets the kernel's send buffer size (SO_SNDBUF).
func (c *dgramConn) SetWriteBuffer(bytes int) error { return c.setInt(soSndBuf, bytes) }

// ReadFromUDPAddrPort receives one datagram and its source.
func (c *UDPConn) ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error) {
	n, src, err := c.readFrom(b)
	return n, src.ap, err
}

// ReadFromUDP receives one datagram and its source.
func (c *UDPConn) ReadFromUDP(b []byte) (int, *net.UDPAddr, error) {
	n, src, err := c.readFrom(b)
	if err != nil {
		return 0, nil, err
	}
	return n, net.UDPAddrFromAddrPort(src.ap), nil
}

// WriteToUDPAddrPort sends b as one datagram to addr.
func (c *UDPConn) WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	return c.writeTo(b, ipSockAddr(addr), net.UDPAddrFromAddrPort(addr))
}

// WriteToUDP sends b as one datagram to addr.
func (c *UDPConn) WriteToUDP(b []byte, addr *net.UDPAddr) (int, error) {
	if addr == nil {
		return 0, c.opErr("write", nil, syscall.EINVAL)
	}
	return c.writeTo(b, ipSockAddr(addr.AddrPort()), addr)
}

// ReadFromUnix receives one datagram and its source (empty for an
// unnamed sender).
func (c *UnixgramConn) ReadFromUnix(b []byte) (int, *net.UnixAddr, error) {
	n, src, err := c.readFrom(b)
	if err != nil {
		return 0, nil, err
	}
	return n, &net.UnixAddr{Name: src.path, Net: c.network}, nil
}

// WriteToUnix sends b as one datagram to the socket at addr.
func (c *UnixgramConn) WriteToUnix(b []byte, addr *net.UnixAddr) (int, error) {
	if addr == nil {
		return 0, c.opErr("write", nil, syscall.EINVAL)
	}
	return c.writeTo(b, sockAddr{kind: kindUnix, path: addr.Name}, addr)
}
