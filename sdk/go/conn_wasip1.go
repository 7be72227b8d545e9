//go:build wasip1

package wasinet

import (
	"net"
	"os"
	"syscall"
	"time"
)

// streamConn is a connected TCP or unix stream socket. Underneath is the
// conn that net.FileConn makes of the fd: its reads, writes and deadlines
// wait in Go's netpoller. With plain `go build` that is a *net.TCPConn
// that does not know its addresses (package net calls every wasip1 stream
// socket "tcp"), so this wrapper carries the true ones and puts them into
// errors. Built with `wasinet go build`, package net itself has real
// sockets and returns a *net.TCPConn or *net.UnixConn.
type streamConn struct {
	tc      fileStream
	network string
	laddr   net.Addr
	raddr   net.Addr
}

// newStreamConn hands a connected socket file to package net. The file is
// closed here; the conn keeps the fd (wasip1 shares it by reference count).
// laddr, when nil, is asked of the host.
func newStreamConn(f *os.File, fd int32, network string, raddr, laddr net.Addr) (*streamConn, error) {
	if laddr == nil {
		local, err := sockLocal(fd)
		if err != nil {
			return nil, err
		}
		laddr = local.netAddr(network)
	}
	c, err := net.FileConn(f)
	if err != nil {
		return nil, err
	}
	f.Close()
	tc, ok := c.(fileStream)
	if !ok {
		c.Close()
		return nil, &net.OpError{Op: "dial", Net: network, Addr: raddr, Err: syscall.ENOTSUP}
	}
	return &streamConn{tc: tc, network: network, laddr: laddr, raddr: raddr}, nil
}

// fileStream is what net.FileConn returns for a stream socket.
type fileStream interface {
	net.Conn
	CloseRead() error
	CloseWrite() error
	SyscallConn() (syscall.RawConn, error)
}

// fix puts the true network and addresses into package net's errors.
func (c *streamConn) fix(err error) error {
	if oe, ok := err.(*net.OpError); ok {
		e := *oe
		e.Net, e.Source, e.Addr = c.network, c.laddr, c.raddr
		return &e
	}
	return err
}

func (c *streamConn) Read(b []byte) (int, error) {
	n, err := c.tc.Read(b)
	return n, c.fix(err)
}

func (c *streamConn) Write(b []byte) (int, error) {
	n, err := c.tc.Write(b)
	return n, c.fix(err)
}

func (c *streamConn) Close() error                       { return c.fix(c.tc.Close()) }
func (c *streamConn) LocalAddr() net.Addr                { return c.laddr }
func (c *streamConn) RemoteAddr() net.Addr               { return c.raddr }
func (c *streamConn) SetDeadline(t time.Time) error      { return c.fix(c.tc.SetDeadline(t)) }
func (c *streamConn) SetReadDeadline(t time.Time) error  { return c.fix(c.tc.SetReadDeadline(t)) }
func (c *streamConn) SetWriteDeadline(t time.Time) error { return c.fix(c.tc.SetWriteDeadline(t)) }

// CloseRead shuts down the reading side (sock_shutdown).
func (c *streamConn) CloseRead() error { return c.fix(c.tc.CloseRead()) }

// CloseWrite shuts down the writing side: the peer reads end of stream.
func (c *streamConn) CloseWrite() error { return c.fix(c.tc.CloseWrite()) }

// SyscallConn gives the raw fd, for wasinet_v0 calls of your own.
func (c *streamConn) SyscallConn() (syscall.RawConn, error) { return c.tc.SyscallConn() }

// setInt sets a socket option through wasinet_v0 (package net's own
// setters are no-ops on wasip1).
func (c *streamConn) setInt(level, name uint32, v int32) error {
	rc, err := c.tc.SyscallConn()
	if err != nil {
		return c.fix(err)
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = sockSetInt(int32(fd), level, name, v) }); err != nil {
		return c.fix(err)
	}
	if serr != nil {
		return &net.OpError{Op: "set", Net: c.network, Source: c.laddr, Addr: c.raddr,
			Err: os.NewSyscallError("setsockopt", serr)}
	}
	return nil
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// SetNoDelay turns Nagle's algorithm off (true, the default) or on.
func (c *streamConn) SetNoDelay(noDelay bool) error {
	return c.setInt(ipprotoTCP, tcpNoDelay, boolInt(noDelay))
}

// SetKeepAlive turns TCP keep-alives on or off.
func (c *streamConn) SetKeepAlive(keepalive bool) error {
	return c.setInt(solSocket, soKeepAlive, boolInt(keepalive))
}

// SetLinger sets SO_LINGER: sec < 0 is the default (off), otherwise Close
// waits up to sec seconds for unsent data (0 discards it and resets).
func (c *streamConn) SetLinger(sec int) error {
	return c.setInt(solSocket, soLinger, int32(max(sec, -1)))
}

// SetReadBuffer sets the kernel's receive buffer size (SO_RCVBUF).
func (c *streamConn) SetReadBuffer(bytes int) error {
	return c.setInt(solSocket, soRcvBuf, int32(bytes))
}

// SetWriteBuffer sets the kernel's send buffer size (SO_SNDBUF).
func (c *streamConn) SetWriteBuffer(bytes int) error {
	return c.setInt(solSocket, soSndBuf, int32(bytes))
}
