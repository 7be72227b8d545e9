package v0guest

import (
	"context"
	"net"
	"os"
	"syscall"
	"time"
)

// Dialer dials through wasinet_v0; its DialContext can be handed to an
// http.Transport.
type Dialer struct {
	Timeout time.Duration
}

// Dial connects to address on network (tcp, tcp4, tcp6, udp, udp4, udp6,
// unix).
func Dial(network, address string) (net.Conn, error) {
	return (&Dialer{}).DialContext(context.Background(), network, address)
}

func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	addrs, err := resolveAddrs(network, address, false)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Addr: unresolved{network, address}, Err: err}
	}
	for _, a := range addrs {
		var c net.Conn
		if c, err = dialAddr(ctx, network, a); err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &net.OpError{Op: "dial", Net: network, Addr: unresolved{network, address}, Err: err}
}

func dialAddr(ctx context.Context, network string, addr net.Addr) (net.Conn, error) {
	family := familyOf(addr)
	sotype := socketType(network)
	fd, err := sockOpen(family, sotype)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	s := newSocket(fd, family, sotype, network)
	if sotype == sockDgram && family != hostAF.unix {
		if err := sockSetInt(fd, levelZero, optBroadcast, 1); err != nil &&
			err != syscall.EINVAL && err != syscall.ENOPROTOOPT {
			s.file.Close()
			return nil, os.NewSyscallError("setsockopt", err)
		}
	}
	to, err := encodeAddr(uint16(family), sotype, addr)
	if err != nil {
		s.file.Close()
		return nil, err
	}
	err = sockConnect(fd, &to)
	switch {
	case err == syscall.EINPROGRESS && sotype == sockStream:
		if err = awaitConnect(ctx, s); err != nil {
			s.file.Close()
			return nil, err
		}
	case err != nil && err != syscall.EINPROGRESS:
		s.file.Close()
		return nil, os.NewSyscallError("connect", err)
	}
	if err := s.fillAddrs(true); err != nil {
		s.file.Close()
		return nil, err
	}
	return s, nil
}

// awaitConnect waits for a non-blocking connect the way the existing
// library does: through Go's netpoller (a poll_oneoff FD_WRITE on the fd),
// then SO_ERROR at level 1 where only the call's errno counts (the value is
// not read), then sock_getpeeraddr, waiting again while that fails. A host
// that reported a refused connect only in the value would leave this
// waiting until ctx ends.
func awaitConnect(ctx context.Context, s *socket) error {
	raw, err := s.file.SyscallConn()
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		var connErr error
		werr := raw.Write(func(fd uintptr) bool {
			if _, connErr = sockGetInt(int32(fd), levelSocket, optError); connErr != nil {
				return true
			}
			_, perr := sockPeer(int32(fd))
			return perr == nil
		})
		if connErr == nil {
			connErr = werr
		}
		done <- connErr
	}()
	select {
	case err := <-done:
		if err != nil {
			return os.NewSyscallError("connect", err)
		}
		return nil
	case <-ctx.Done():
		// Closing the file wakes the poller wait.
		s.file.Close()
		<-done
		return context.Cause(ctx)
	}
}

func socketType(network string) int {
	switch network {
	case "udp", "udp4", "udp6", "unixgram":
		return sockDgram
	}
	return sockStream
}

type unresolved struct{ network, address string }

func (u unresolved) Network() string { return u.network }
func (u unresolved) String() string  { return u.address }
