package v0guest

import (
	"io"
	"net"
	"os"
	"runtime"
	"syscall"
	"time"
)

// socket is one wasinet_v0 socket wrapped the way the existing library
// wraps it: an *os.File for the fd (pollable because the host reports
// NONBLOCK, which the dialer needs to wait for connect), but reads,
// accepts and writes go straight to wasinet_v0.
type socket struct {
	file   *os.File
	fd     int32
	family int32
	sotype int
	net    string
	laddr  net.Addr
	raddr  net.Addr
	peer   rawAddr // sent with every write, as the existing library does
}

func newSocket(fd int32, family int32, sotype int, network string) *socket {
	return &socket{file: os.NewFile(uintptr(fd), network), fd: fd, family: family, sotype: sotype, net: network}
}

// fillAddrs asks the host for both ends, as the existing library does for
// every dialed and accepted socket (a failure fails the dial or accept).
func (s *socket) fillAddrs(withPeer bool) error {
	local, err := sockLocal(s.fd)
	if err != nil {
		return os.NewSyscallError("getsockname", err)
	}
	if s.laddr, err = decodeAddr(&local, s.sotype); err != nil {
		return err
	}
	if !withPeer {
		return nil
	}
	peer, err := sockPeer(s.fd)
	if err != nil {
		return os.NewSyscallError("getpeername", err)
	}
	if s.raddr, err = decodeAddr(&peer, s.sotype); err != nil {
		return err
	}
	s.peer, err = encodeAddr(uint16(s.family), s.sotype, s.raddr)
	return err
}

// recv retries EAGAIN and EINTR with runtime.Gosched, never waiting in the
// host: the existing library's loop, busy as it is.
func (s *socket) recv(b []byte) (int, rawAddr, error) {
	for {
		n, from, err := sockRecvFrom(s.fd, b)
		runtime.KeepAlive(s)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			runtime.Gosched()
			continue
		}
		if err != nil {
			return 0, from, os.NewSyscallError("sock_recvfrom", err)
		}
		return n, from, nil
	}
}

func (s *socket) send(b []byte, to *rawAddr) (int, error) {
	n, err := sockSendTo(s.fd, b, to)
	runtime.KeepAlive(s)
	if err != nil {
		return n, os.NewSyscallError("sendto", err)
	}
	return n, nil
}

func (s *socket) opErr(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return &net.OpError{Op: op, Net: s.net, Source: s.laddr, Addr: s.raddr, Err: err}
}

func (s *socket) Read(b []byte) (int, error) {
	n, _, err := s.recv(b)
	if err == nil && n == 0 && len(b) > 0 {
		err = io.EOF
	}
	return n, s.opErr("read", err)
}

// Write is a single sock_send_to carrying the peer's address: no retry on
// EAGAIN, no loop on a short count.
func (s *socket) Write(b []byte) (int, error) {
	n, err := s.send(b, &s.peer)
	return n, s.opErr("write", err)
}

// Close shuts both directions down, then closes the fd.
func (s *socket) Close() error {
	shut := sockShutdown(s.fd, shutBoth)
	err := s.file.Close()
	if err == nil && shut != nil && shut != syscall.ENOTCONN {
		err = os.NewSyscallError("sock_shutdown", shut)
	}
	return s.opErr("close", err)
}

func (s *socket) LocalAddr() net.Addr  { return s.laddr }
func (s *socket) RemoteAddr() net.Addr { return s.raddr }

// Deadlines are socket options whose level is the socket type.
func (s *socket) setDeadline(t time.Time, opt uint32) error {
	err := sockSetTimeval(s.fd, uint32(s.sotype), opt, deadlineValue(t))
	if err != nil {
		return &net.OpError{Op: "set", Net: s.net, Addr: s.laddr, Err: os.NewSyscallError("setsockopt", err)}
	}
	return nil
}

func (s *socket) SetReadDeadline(t time.Time) error  { return s.setDeadline(t, optRcvTimeout) }
func (s *socket) SetWriteDeadline(t time.Time) error { return s.setDeadline(t, optSndTimeout) }
func (s *socket) SetDeadline(t time.Time) error {
	if err := s.setDeadline(t, optSndTimeout); err != nil {
		return err
	}
	return s.setDeadline(t, optRcvTimeout)
}

// WriteWithAddress sends b on c in one sock_send_to that names `to`
// instead of c's peer: the host must ignore the address on a connected
// stream socket.
func WriteWithAddress(c net.Conn, b []byte, to net.Addr) (int, error) {
	s, ok := c.(*socket)
	if !ok {
		return 0, syscall.EINVAL
	}
	a, err := encodeAddr(uint16(familyOf(to)), s.sotype, to)
	if err != nil {
		return 0, err
	}
	n, err := s.send(b, &a)
	return n, s.opErr("write", err)
}

// Errno digs the WASI errno out of an error from this package (0 if none).
func Errno(err error) syscall.Errno {
	for err != nil {
		if e, ok := err.(syscall.Errno); ok {
			return e
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return 0
		}
		err = u.Unwrap()
	}
	return 0
}

// CloseWrite shuts down the write side of a stream conn (sock_shutdown
// with how = 2). The existing library's conns have no such method; the
// guests use it only toward their own listeners.
func CloseWrite(c net.Conn) error {
	s, ok := c.(*socket)
	if !ok {
		return syscall.EINVAL
	}
	return s.opErr("shutdown", sockShutdown(s.fd, shutWrite))
}
