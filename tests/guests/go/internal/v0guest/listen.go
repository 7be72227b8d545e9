package v0guest

import (
	"net"
	"os"
	"runtime"
	"syscall"
)

// Listen opens a listening socket (tcp, tcp4, tcp6, unix) the way the
// existing library does: socket, SO_REUSEADDR at level 0, bind, listen(64).
func Listen(network, address string) (net.Listener, error) {
	s, err := openBound(network, address)
	if err != nil {
		return nil, err
	}
	if err := sockListen(s.fd); err != nil {
		s.file.Close()
		return nil, &net.OpError{Op: "listen", Net: network, Addr: s.laddr, Err: os.NewSyscallError("sock_listen", err)}
	}
	return &listener{s}, nil
}

// openBound is the shared start of Listen and ListenPacket.
func openBound(network, address string) (*socket, error) {
	fail := func(err error) (*socket, error) {
		return nil, &net.OpError{Op: "listen", Net: network, Addr: unresolved{network, address}, Err: err}
	}
	addrs, err := resolveAddrs(network, address, true)
	if err != nil {
		return fail(err)
	}
	family, sotype := familyOf(addrs[0]), socketType(network)
	fd, err := sockOpen(family, sotype)
	if err != nil {
		return fail(os.NewSyscallError("socket", err))
	}
	s := newSocket(fd, family, sotype, network)
	if err := sockSetInt(fd, levelZero, optReuseAddr, 1); err != nil &&
		err != syscall.ENOPROTOOPT && err != syscall.EINVAL {
		s.file.Close()
		return fail(os.NewSyscallError("setsockopt", err))
	}
	a, err := encodeAddr(uint16(family), sotype, addrs[0])
	if err != nil {
		s.file.Close()
		return fail(err)
	}
	if err := sockBind(fd, &a); err != nil {
		s.file.Close()
		return fail(os.NewSyscallError("sock_bind", err))
	}
	if err := s.fillAddrs(false); err != nil {
		s.file.Close()
		return fail(err)
	}
	return s, nil
}

type listener struct{ s *socket }

// Accept retries EAGAIN/EINTR with runtime.Gosched, like reads, and asks
// the host for both addresses of the new socket.
func (l *listener) Accept() (net.Conn, error) {
	for {
		nfd, _, err := sockAccept(l.s.fd)
		runtime.KeepAlive(l.s)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			runtime.Gosched()
			continue
		}
		if err != nil {
			return nil, l.s.opErr("accept", os.NewSyscallError("sock_accept", err))
		}
		c := newSocket(nfd, l.s.family, l.s.sotype, l.s.net)
		if err := c.fillAddrs(true); err != nil {
			c.file.Close()
			return nil, l.s.opErr("accept", err)
		}
		return c, nil
	}
}

func (l *listener) Close() error   { return l.s.Close() }
func (l *listener) Addr() net.Addr { return l.s.laddr }
