//go:build wasip1

package wasinet

import (
	"net"
	"os"
	"syscall"
)

// FileListener makes a listener of a listening socket the program was
// given, such as one `wasinet run --listen` opened (see Listeners). It is
// net.FileListener with the true addresses: on wasip1 package net knows
// none, so there its listener's Addr and every accepted conn's LocalAddr
// and RemoteAddr are empty (":0"); these ask the host (wasinet_v0's
// sock_getlocaladdr and sock_getpeeraddr). TCP and unix stream sockets.
// The listener holds its own reference to the socket: f may be closed.
func FileListener(f *os.File) (net.Listener, error) {
	fl, err := net.FileListener(f)
	if err != nil {
		return nil, err
	}
	tl, ok := fl.(*net.TCPListener) // package net calls every wasip1 stream socket "tcp"
	if !ok {
		fl.Close()
		return nil, &net.OpError{Op: "listen", Net: "tcp", Err: syscall.ENOTSUP}
	}
	rc, err := tl.SyscallConn()
	if err != nil {
		tl.Close()
		return nil, err
	}
	var local sockAddr
	var lerr error
	if err := rc.Control(func(fd uintptr) { local, lerr = sockLocal(int32(fd)) }); err != nil {
		lerr = err
	}
	if lerr != nil {
		tl.Close()
		return nil, &net.OpError{Op: "listen", Net: "tcp", Err: lerr}
	}
	network := "tcp"
	if local.kind == kindUnix {
		network = "unix"
	}
	l := &listener{tl: tl, network: network, addr: local.netAddr(network)}
	// An accepted conn's local address is the listener's unless it is
	// bound to a wildcard (then each conn asks the host).
	if ta, ok := l.addr.(*net.TCPAddr); !ok || !ta.IP.IsUnspecified() {
		l.connLocal = l.addr
	}
	return l, nil
}
