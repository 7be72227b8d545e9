// wasinet overlay for package net: making sockets on the host, binding,
// listening and connecting them. The *_posix.go files of package net call
// socket() for every Dial, Listen and ListenPacket.

//go:build wasip1

package net

import (
	"context"
	"os"
	"syscall"
	"unsafe"
)

// sysSocket opens a host socket of a wasip1 family; the host makes it
// non-blocking.
func sysSocket(family, sotype, proto int) (int, error) {
	hf := wasinetFamilies().hostFamily(family)
	if hf == 0 {
		return -1, os.NewSyscallError("socket", syscall.EAFNOSUPPORT)
	}
	s := int32(-1)
	if err := wasinetErr(wasinet_sock_open(int32(hf), int32(sotype), int32(proto), unsafe.Pointer(&s))); err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return int(s), nil
}

// socket returns a network file descriptor that is ready for I/O: a
// listener (or bound datagram socket) when only laddr is given, else a
// socket connected to raddr (bound to laddr first, when given).
func socket(ctx context.Context, net string, family, sotype, proto int, ipv6only bool, laddr, raddr sockaddr,
	ctrlCtxFn func(context.Context, string, string, syscall.RawConn) error) (*netFD, error) {
	s, err := sysSocket(family, sotype, proto)
	if err != nil {
		return nil, err
	}
	if err := setDefaultSockopts(s, family, sotype, ipv6only); err != nil {
		syscall.Close(s)
		return nil, err
	}
	fd := newFD(s, family, sotype, net)
	if err := fd.init(); err != nil {
		fd.Close()
		return nil, err
	}
	if laddr != nil && raddr == nil {
		err = fd.listen(ctx, laddr, ctrlCtxFn)
	} else {
		err = fd.dial(ctx, laddr, raddr, ctrlCtxFn)
	}
	if err != nil {
		fd.Close()
		return nil, err
	}
	return fd, nil
}

// control runs a Dialer's or ListenConfig's Control function on the new
// socket. Its fd is the guest's; wasinet_v0 calls of the caller's own can
// use it (the syscall package's socket calls are ENOSYS on wasip1).
func (fd *netFD) control(ctx context.Context, address string,
	ctrlCtxFn func(context.Context, string, string, syscall.RawConn) error) error {
	if ctrlCtxFn == nil {
		return nil
	}
	return ctrlCtxFn(ctx, fd.ctrlNetwork(), address, newRawConn(fd))
}

func (fd *netFD) bind(sa syscall.Sockaddr) error {
	raw, err := wasinetEncode(fd.family, sa)
	if err != nil {
		return err
	}
	return os.NewSyscallError("bind", wasinetErr(wasinet_sock_bind(int32(fd.pfd.Sysfd), unsafe.Pointer(raw), uint32(len(raw)))))
}

// listen binds the socket to laddr and, for a stream socket, listens. The
// bound address (with the port the kernel chose) becomes fd.laddr.
func (fd *netFD) listen(ctx context.Context, laddr sockaddr,
	ctrlCtxFn func(context.Context, string, string, syscall.RawConn) error) error {
	stream := fd.sotype == syscall.SOCK_STREAM || fd.sotype == syscall.SOCK_SEQPACKET
	var err error
	if stream {
		err = setDefaultListenerSockopts(fd.pfd.Sysfd)
	} else if ua, ok := laddr.(*UDPAddr); ok && ua != nil && ua.IP.IsMulticast() {
		err = setDefaultMulticastSockopts(fd.pfd.Sysfd)
	}
	if err != nil {
		return err
	}
	lsa, err := laddr.sockaddr(fd.family)
	if err != nil {
		return err
	}
	if err := fd.control(ctx, laddr.String(), ctrlCtxFn); err != nil {
		return err
	}
	if err := fd.bind(lsa); err != nil {
		return err
	}
	if stream {
		e := wasinet_sock_listen(int32(fd.pfd.Sysfd), int32(listenerBacklog()))
		if err := wasinetErr(e); err != nil {
			return os.NewSyscallError("listen", err)
		}
	}
	bound, err := wasinetLocalAddr(fd.pfd.Sysfd)
	if err != nil {
		return os.NewSyscallError("getsockname", err)
	}
	if ua, ok := bound.(*syscall.SockaddrUnix); ok && ua.Name == "" {
		bound = lsa // the host names a bound unix socket by its path; in case it did not
	}
	fd.setAddr(fd.addrFunc()(bound), nil)
	return nil
}

// dial connects the socket to raddr, within ctx.
func (fd *netFD) dial(ctx context.Context, laddr, raddr sockaddr,
	ctrlCtxFn func(context.Context, string, string, syscall.RawConn) error) error {
	var target string
	if raddr != nil {
		target = raddr.String()
	} else if laddr != nil {
		target = laddr.String()
	}
	if err := fd.control(ctx, target, ctrlCtxFn); err != nil {
		return err
	}
	if laddr != nil {
		lsa, err := laddr.sockaddr(fd.family)
		if err != nil {
			return err
		}
		if lsa != nil {
			if err := fd.bind(lsa); err != nil {
				return err
			}
		}
	}
	var remote Addr
	if raddr != nil {
		rsa, err := raddr.sockaddr(fd.family)
		if err != nil {
			return err
		}
		if err := fd.connect(ctx, rsa); err != nil {
			return err
		}
		fd.isConnected = true
		remote = raddr
	}
	var local Addr
	if lsa, err := wasinetLocalAddr(fd.pfd.Sysfd); err == nil {
		local = fd.addrFunc()(lsa)
	}
	fd.setAddr(local, remote)
	return nil
}
