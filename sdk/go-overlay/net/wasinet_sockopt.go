// wasinet overlay for package net: socket options through wasinet_v0's
// sock_setsockopt, which knows SO_REUSEADDR, SO_BROADCAST, SO_SNDBUF,
// SO_RCVBUF, SO_KEEPALIVE, SO_LINGER, TCP_NODELAY and IPV6_V6ONLY (and
// refuses anything else with ENOPROTOOPT, never passing it to the kernel).
// The keep-alive timing (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT) is not
// among them: those setters do nothing, and the host kernel's defaults
// apply to a conn with keep-alive on.

//go:build wasip1

package net

import (
	"runtime"
	"syscall"
	"time"
)

func boolint(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setDefaultSockopts is what every new socket gets: an inet6 socket is
// dual-stack unless a "6" network asked for IPv6 only, and IPv4 datagram
// sockets may broadcast.
func setDefaultSockopts(s, family, sotype int, ipv6only bool) error {
	if family == syscall.AF_INET6 && sotype != syscall.SOCK_RAW {
		if err := wasinetSetInt(s, wasinetIPProtoIPv6, wasinetIPv6V6Only, boolint(ipv6only)); err != nil {
			return wrapSyscallError("setsockopt", err)
		}
	}
	if sotype == syscall.SOCK_DGRAM && family == syscall.AF_INET {
		if err := wasinetSetInt(s, wasinetSolSocket, wasinetSoBroadcast, 1); err != nil {
			return wrapSyscallError("setsockopt", err)
		}
	}
	return nil
}

// setDefaultListenerSockopts lets a restarted server bind its port again
// while old connections linger in TIME_WAIT.
func setDefaultListenerSockopts(s int) error {
	return wrapSyscallError("setsockopt", wasinetSetInt(s, wasinetSolSocket, wasinetSoReuseAddr, 1))
}

// setDefaultMulticastSockopts lets several sockets share a multicast
// group's port (SO_REUSEPORT is not in wasinet_v0).
func setDefaultMulticastSockopts(s int) error {
	return wrapSyscallError("setsockopt", wasinetSetInt(s, wasinetSolSocket, wasinetSoReuseAddr, 1))
}

// setsockopt sets an int option on a live fd.
func (fd *netFD) setsockopt(level, name uint32, v int) error {
	var serr error
	err := fd.pfd.RawControl(func(s uintptr) { serr = wasinetSetInt(int(s), level, name, v) })
	runtime.KeepAlive(fd)
	if err != nil {
		return err
	}
	return wrapSyscallError("setsockopt", serr)
}

func setReadBuffer(fd *netFD, bytes int) error {
	return fd.setsockopt(wasinetSolSocket, wasinetSoRcvBuf, bytes)
}

func setWriteBuffer(fd *netFD, bytes int) error {
	return fd.setsockopt(wasinetSolSocket, wasinetSoSndBuf, bytes)
}

func setKeepAlive(fd *netFD, keepalive bool) error {
	return fd.setsockopt(wasinetSolSocket, wasinetSoKeepAlive, boolint(keepalive))
}

// setLinger: wasinet_v0 takes SO_LINGER as one int, the seconds, or -1
// for off.
func setLinger(fd *netFD, sec int) error {
	return fd.setsockopt(wasinetSolSocket, wasinetSoLinger, max(sec, -1))
}

func setNoDelay(fd *netFD, noDelay bool) error {
	return fd.setsockopt(wasinetIPProtoTCP, wasinetTCPNoDelay, boolint(noDelay))
}

// The keep-alive timing cannot be set through wasinet_v0: no-ops (see
// the top of this file).
func setKeepAliveIdle(fd *netFD, d time.Duration) error     { return nil }
func setKeepAliveInterval(fd *netFD, d time.Duration) error { return nil }
func setKeepAliveCount(fd *netFD, n int) error              { return nil }

// maxListenerBacklog is the backlog every listener asks for; the host's
// kernel caps it at its net.core.somaxconn.
func maxListenerBacklog() int { return 4096 }
