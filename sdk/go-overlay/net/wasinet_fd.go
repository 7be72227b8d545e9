// wasinet overlay for package net: the network file descriptor of a wasip1
// program whose sockets are real host sockets (wasinet_v0). Each is a
// non-blocking guest fd in an internal/poll.FD registered with Go's
// netpoller, which waits on it through poll_oneoff: reads, writes,
// accepts and connects that would block park the goroutine, never spin.

//go:build wasip1

package net

import (
	"internal/poll"
	"os"
	"runtime"
	"syscall"
	"time"
)

// netFD is the socket as the rest of package net (the *_posix.go files,
// conn, rawConn) sees it: those files read and write these fields by name.
type netFD struct {
	pfd poll.FD

	// Set when the socket is made, bound or connected; read-only after.
	family      int  // wasip1 numbering (syscall.AF_*), not the host's
	sotype      int  // syscall.SOCK_STREAM or SOCK_DGRAM
	isConnected bool // connected to a peer: a stream's connect finished, or a datagram socket's
	net         string
	laddr       Addr
	raddr       Addr
}

// newFD wraps host socket s. A zero-byte read is the end of a stream, but
// an empty datagram on a datagram socket.
func newFD(s, family, sotype int, net string) *netFD {
	fd := &netFD{family: family, sotype: sotype, net: net}
	fd.pfd.Sysfd = s
	fd.pfd.IsStream = sotype == syscall.SOCK_STREAM
	fd.pfd.ZeroReadIsEOF = sotype == syscall.SOCK_STREAM || sotype == syscall.SOCK_SEQPACKET
	return fd
}

// init registers the fd with the netpoller.
func (fd *netFD) init() error {
	return fd.pfd.Init(fd.net, true)
}

func (fd *netFD) name() string {
	var ls, rs string
	if fd.laddr != nil {
		ls = fd.laddr.String()
	}
	if fd.raddr != nil {
		rs = fd.raddr.String()
	}
	return fd.net + ":" + ls + "->" + rs
}

func (fd *netFD) setAddr(laddr, raddr Addr) {
	fd.laddr = laddr
	fd.raddr = raddr
	runtime.SetFinalizer(fd, (*netFD).Close)
}

// ctrlNetwork is the network a Control function is told: the IP version
// made explicit, as on other platforms.
func (fd *netFD) ctrlNetwork() string {
	switch fd.net {
	case "unix", "unixgram", "unixpacket":
		return fd.net
	}
	suffix := "4"
	if fd.family == syscall.AF_INET6 {
		suffix = "6"
	}
	switch fd.net[len(fd.net)-1] {
	case '4', '6':
		return fd.net
	}
	return fd.net + suffix
}

func (fd *netFD) Close() error {
	runtime.SetFinalizer(fd, nil)
	return fd.pfd.Close()
}

func (fd *netFD) shutdown(how int) error {
	err := fd.pfd.Shutdown(how)
	runtime.KeepAlive(fd)
	return wrapSyscallError("shutdown", err)
}

func (fd *netFD) closeRead() error  { return fd.shutdown(syscall.SHUT_RD) }
func (fd *netFD) closeWrite() error { return fd.shutdown(syscall.SHUT_WR) }

// Read and Write are preview1 fd_read and fd_write on the socket, which
// answer EAGAIN when they would block; poll.FD then waits in the poller.
func (fd *netFD) Read(p []byte) (int, error) {
	n, err := fd.pfd.Read(p)
	runtime.KeepAlive(fd)
	return n, wrapSyscallError("read", err)
}

func (fd *netFD) Write(p []byte) (int, error) {
	n, err := fd.pfd.Write(p)
	runtime.KeepAlive(fd)
	return n, wrapSyscallError("write", err)
}

func (fd *netFD) SetDeadline(t time.Time) error      { return fd.pfd.SetDeadline(t) }
func (fd *netFD) SetReadDeadline(t time.Time) error  { return fd.pfd.SetReadDeadline(t) }
func (fd *netFD) SetWriteDeadline(t time.Time) error { return fd.pfd.SetWriteDeadline(t) }

// dup would give (*TCPConn).File and friends a second fd for the socket;
// WASI preview1 has no dup.
func (fd *netFD) dup() (*os.File, error) {
	return nil, os.NewSyscallError("dup", syscall.ENOSYS)
}

// accept takes the next connection with wasinet_v0's sock_accept, which
// also names the peer, waiting in the poller while none is pending.
func (fd *netFD) accept() (*netFD, error) {
	var s int
	var peer *wasinetRawAddr
	var errno syscall.Errno
	err := fd.pfd.RawRead(func(sysfd uintptr) bool {
		for {
			s, peer, errno = wasinetAccept(int(sysfd))
			switch errno {
			case syscall.ECONNABORTED:
				continue // a connection that went away while queued: take the next
			case syscall.EAGAIN, syscall.EINTR:
				return false // wait in the poller (at once again if it is ready)
			}
			return true
		}
	})
	runtime.KeepAlive(fd)
	if err == nil && errno != 0 {
		err = wrapSyscallError("accept", errno)
	}
	if err != nil {
		return nil, err
	}
	nfd := newFD(s, fd.family, fd.sotype, fd.net)
	if err := nfd.init(); err != nil {
		nfd.Close()
		return nil, err
	}
	var raddr Addr
	if rsa, err := peer.sockaddr(); err == nil {
		raddr = nfd.addrFunc()(rsa)
	}
	nfd.setAddr(fd.acceptedLocalAddr(s), raddr)
	return nfd, nil
}

// acceptedLocalAddr is a new connection's local address: the listener's
// own when it is bound to one address (or is a unix socket, whose
// accepted conns Linux names by the listener's path), else the host's.
func (fd *netFD) acceptedLocalAddr(s int) Addr {
	switch a := fd.laddr.(type) {
	case *UnixAddr:
		return a
	case *TCPAddr:
		if !a.IP.IsUnspecified() {
			return a
		}
	}
	if lsa, err := wasinetLocalAddr(s); err == nil {
		return fd.addrFunc()(lsa)
	}
	return nil
}
