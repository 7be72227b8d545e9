// wasinet overlay for package net: FileListener, FileConn and
// FilePacketConn on a socket fd the guest already holds (a `wasinet run
// --listen` socket, or one a wasinet_v0 library made). They learn what
// the socket is from the host, so the listener or conn has its true type
// (TCP or unix, stream or datagram) and addresses.

//go:build wasip1

package net

import (
	"os"
	"syscall"
	_ "unsafe" // for go:linkname
)

// fd_fdstat_get_type is the syscall package's fd_fdstat_get, which tells
// a stream socket from a datagram one.
//
//go:linkname fd_fdstat_get_type syscall.fd_fdstat_get_type
func fd_fdstat_get_type(fd int) (uint8, error)

// wasinetFileFD makes a netFD sharing f's socket: wasip1 has no dup, so
// the two share the fd by reference count (poll.FD.Copy), and the socket
// is closed when both f and the netFD are.
func wasinetFileFD(f *os.File) (*netFD, error) {
	sysfd := f.PollFD().Sysfd
	filetype, err := fd_fdstat_get_type(sysfd)
	if err != nil {
		return nil, err
	}
	var sotype int
	switch filetype {
	case syscall.FILETYPE_SOCKET_STREAM:
		sotype = syscall.SOCK_STREAM
	case syscall.FILETYPE_SOCKET_DGRAM:
		sotype = syscall.SOCK_DGRAM
	default:
		return nil, syscall.ENOTSOCK
	}
	lsa, err := wasinetLocalAddr(sysfd)
	if err != nil {
		return nil, os.NewSyscallError("getsockname", err)
	}
	family := wasinetFamilyOf(lsa)
	var network string
	switch {
	case family == syscall.AF_UNIX && sotype == syscall.SOCK_STREAM:
		network = "unix"
	case family == syscall.AF_UNIX:
		network = "unixgram"
	case sotype == syscall.SOCK_STREAM:
		network = "tcp"
	default:
		network = "udp"
	}
	fd := newFD(sysfd, family, sotype, network)
	fd.pfd = f.PollFD().Copy()
	fd.pfd.IsStream = sotype == syscall.SOCK_STREAM
	fd.pfd.ZeroReadIsEOF = sotype == syscall.SOCK_STREAM
	if err := fd.init(); err != nil {
		fd.pfd.Close()
		return nil, err
	}
	var raddr Addr
	if rsa, err := wasinetPeerAddr(sysfd); err == nil {
		raddr = fd.addrFunc()(rsa)
		fd.isConnected = true
	}
	fd.setAddr(fd.addrFunc()(lsa), raddr)
	return fd, nil
}

func fileListener(f *os.File) (Listener, error) {
	fd, err := wasinetFileFD(f)
	if err != nil {
		return nil, err
	}
	switch laddr := fd.laddr.(type) {
	case *TCPAddr:
		return &TCPListener{fd: fd}, nil
	case *UnixAddr:
		if fd.sotype == syscall.SOCK_STREAM {
			// A socket the host opened (--listen unix://...) has no guest
			// name; UnixListener needs a non-empty path ("@": never unlinked).
			path := laddr.Name
			if path == "" {
				path = "@"
			}
			return &UnixListener{fd: fd, path: path, unlink: false}, nil
		}
	}
	fd.Close()
	return nil, syscall.EINVAL
}

func fileConn(f *os.File) (Conn, error) {
	fd, err := wasinetFileFD(f)
	if err != nil {
		return nil, err
	}
	switch fd.laddr.(type) {
	case *TCPAddr:
		return newTCPConn(fd, defaultTCPKeepAliveIdle, KeepAliveConfig{}, testPreHookSetKeepAlive, testHookSetKeepAlive), nil
	case *UDPAddr:
		return newUDPConn(fd), nil
	case *UnixAddr:
		return newUnixConn(fd), nil
	}
	fd.Close()
	return nil, syscall.EINVAL
}

func filePacketConn(f *os.File) (PacketConn, error) {
	fd, err := wasinetFileFD(f)
	if err != nil {
		return nil, err
	}
	switch fd.laddr.(type) {
	case *UDPAddr:
		return newUDPConn(fd), nil
	case *UnixAddr:
		if fd.sotype == syscall.SOCK_DGRAM {
			return newUnixConn(fd), nil
		}
	}
	fd.Close()
	return nil, syscall.EINVAL
}
