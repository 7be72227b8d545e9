// wasinet overlay for package net: datagram receives and sends with their
// addresses (wasinet_v0 sock_recv_from / sock_send_to), for UDPConn's and
// UnixConn's ReadFrom, WriteTo, ReadMsg and WriteMsg families. Each is one
// host call made from the poll.FD's raw read or write: on EAGAIN the
// goroutine waits in the netpoller, under the fd's deadlines.

//go:build wasip1

package net

import (
	"io"
	"os"
	"runtime"
	"syscall"
)

// recv receives one datagram into p, its source into from.
func (fd *netFD) recv(p []byte, flags int, from *wasinetRawAddr) (n, oflags int, err error) {
	var errno syscall.Errno
	err = fd.pfd.RawRead(func(s uintptr) bool {
		n, oflags, errno = wasinetRecvFrom(int(s), p, flags, from)
		// On EAGAIN (or EINTR) wait in the poller; it answers at once if
		// the socket is ready after all.
		return errno != syscall.EAGAIN && errno != syscall.EINTR
	})
	runtime.KeepAlive(fd)
	if err == nil && errno != 0 {
		err = wrapSyscallError("recvfrom", errno)
	}
	return n, oflags, err
}

// send sends p as one datagram to sa (nil: the connected peer).
func (fd *netFD) send(p []byte, sa syscall.Sockaddr) (int, error) {
	var to *wasinetRawAddr
	if sa != nil {
		var err error
		if to, err = wasinetEncode(fd.family, sa); err != nil {
			return 0, err
		}
	}
	var n int
	var errno syscall.Errno
	err := fd.pfd.RawWrite(func(s uintptr) bool {
		n, errno = wasinetSendTo(int(s), p, to)
		return errno != syscall.EAGAIN && errno != syscall.EINTR
	})
	runtime.KeepAlive(fd)
	if err == nil && errno != 0 {
		err = wrapSyscallError("sendto", errno)
	}
	return n, err
}

func (fd *netFD) readFrom(p []byte) (int, syscall.Sockaddr, error) {
	n, _, _, sa, err := fd.readMsg(p, nil, 0)
	return n, sa, err
}

func (fd *netFD) readFromInet4(p []byte, sa *syscall.SockaddrInet4) (int, error) {
	n, _, _, err := fd.readMsgInet4(p, nil, 0, sa)
	return n, err
}

func (fd *netFD) readFromInet6(p []byte, sa *syscall.SockaddrInet6) (int, error) {
	n, _, _, err := fd.readMsgInet6(p, nil, 0, sa)
	return n, err
}

// readMsg returns no control data: wasinet_v0 carries none. The returned
// flags are the host's (MSG_TRUNC when a datagram was cut).
func (fd *netFD) readMsg(p, oob []byte, flags int) (n, oobn, retflags int, sa syscall.Sockaddr, err error) {
	var from wasinetRawAddr
	n, retflags, err = fd.recv(p, flags, &from)
	if err != nil {
		return n, 0, retflags, nil, err
	}
	if fd.sotype == syscall.SOCK_STREAM {
		if n == 0 && len(p) > 0 {
			err = io.EOF
		}
		return n, 0, retflags, nil, err
	}
	sa, err = from.sockaddr()
	return n, 0, retflags, sa, err
}

func (fd *netFD) readMsgInet4(p, oob []byte, flags int, sa *syscall.SockaddrInet4) (n, oobn, retflags int, err error) {
	n, _, retflags, from, err := fd.readMsg(p, oob, flags)
	if err != nil {
		return n, 0, retflags, err
	}
	switch from := from.(type) {
	case *syscall.SockaddrInet4:
		*sa = *from
	case *syscall.SockaddrInet6:
		if ip := IP(from.Addr[:]).To4(); ip != nil {
			*sa = syscall.SockaddrInet4{Port: from.Port, Addr: [4]byte(ip)}
			break
		}
		return n, 0, retflags, os.NewSyscallError("recvfrom", syscall.EAFNOSUPPORT)
	}
	return n, 0, retflags, nil
}

func (fd *netFD) readMsgInet6(p, oob []byte, flags int, sa *syscall.SockaddrInet6) (n, oobn, retflags int, err error) {
	n, _, retflags, from, err := fd.readMsg(p, oob, flags)
	if err != nil {
		return n, 0, retflags, err
	}
	switch from := from.(type) {
	case *syscall.SockaddrInet6:
		*sa = *from
	case *syscall.SockaddrInet4:
		*sa = syscall.SockaddrInet6{Port: from.Port}
		copy(sa.Addr[:], IPv4(from.Addr[0], from.Addr[1], from.Addr[2], from.Addr[3]).To16())
	}
	return n, 0, retflags, nil
}

func (fd *netFD) writeTo(p []byte, sa syscall.Sockaddr) (int, error) {
	return fd.send(p, sa)
}

func (fd *netFD) writeToInet4(p []byte, sa *syscall.SockaddrInet4) (int, error) {
	return fd.send(p, sa)
}

func (fd *netFD) writeToInet6(p []byte, sa *syscall.SockaddrInet6) (int, error) {
	return fd.send(p, sa)
}

// writeMsg refuses control data, which wasinet_v0 would drop.
func (fd *netFD) writeMsg(p, oob []byte, sa syscall.Sockaddr) (n, oobn int, err error) {
	if len(oob) > 0 {
		return 0, 0, os.NewSyscallError("sendmsg", syscall.ENOTSUP)
	}
	if sa == nil && fd.sotype == syscall.SOCK_STREAM {
		n, err = fd.Write(p)
		return n, 0, err
	}
	n, err = fd.send(p, sa)
	return n, 0, err
}

func (fd *netFD) writeMsgInet4(p, oob []byte, sa *syscall.SockaddrInet4) (n, oobn int, err error) {
	if sa == nil {
		return fd.writeMsg(p, oob, nil)
	}
	return fd.writeMsg(p, oob, sa)
}

func (fd *netFD) writeMsgInet6(p, oob []byte, sa *syscall.SockaddrInet6) (n, oobn int, err error) {
	if sa == nil {
		return fd.writeMsg(p, oob, nil)
	}
	return fd.writeMsg(p, oob, sa)
}
