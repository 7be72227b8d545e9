package wasinet

import (
	"context"
	"net"
	"syscall"
	"time"
)

// Dialer holds options for connecting to an address, like net.Dialer,
// whose fields it mirrors. Its DialContext fits every library that takes a
// dial function (http.Transport.DialContext, database drivers, gRPC's
// WithContextDialer, redis clients).
//
// Under wasip1 these fields take effect: Timeout, Deadline, LocalAddr,
// KeepAlive (on or off; the period is the host kernel's default, which
// wasinet_v0 cannot change), Resolver (used for names instead of the
// host's resolver), Cancel, Control and ControlContext (called with the
// socket before it connects). DualStack and FallbackDelay are accepted and
// ignored: addresses are tried one after another in the resolver's order,
// without racing IPv4 against IPv6.
type Dialer struct {
	// Timeout is the longest a dial may take, name lookup included.
	// Zero means no timeout beyond the context's.
	Timeout time.Duration

	// Deadline is an absolute time after which dials fail; zero means none.
	Deadline time.Time

	// LocalAddr, when set, is bound before connecting: a *net.TCPAddr,
	// *net.UDPAddr or *net.UnixAddr matching the network.
	LocalAddr net.Addr

	// DualStack is deprecated in package net and ignored here.
	DualStack bool

	// FallbackDelay is ignored: there is no Happy Eyeballs racing.
	FallbackDelay time.Duration

	// KeepAlive: zero or positive enables TCP keep-alives (SO_KEEPALIVE),
	// negative disables them. The probe interval cannot be set through
	// wasinet_v0 and stays the host's default.
	KeepAlive time.Duration

	// Resolver, when set, resolves names for this dialer. By default names
	// go straight to the host's resolver (sock_getaddrip).
	Resolver *net.Resolver

	// Cancel, when closed, stops dials in progress (deprecated in package
	// net in favour of DialContext's context, and honoured here).
	Cancel <-chan struct{}

	// Control is called after the socket is created and before it
	// connects, with its raw connection.
	Control func(network, address string, c syscall.RawConn) error

	// ControlContext is like Control with the dial's context; it wins when
	// both are set.
	ControlContext func(ctx context.Context, network, address string, c syscall.RawConn) error
}

// Dial connects to address on network; see DialContext.
func (d *Dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

// Dial connects to address on network: "tcp", "tcp4", "tcp6", "udp",
// "udp4", "udp6", "unix" or "unixgram". Addresses are "host:port" (a name,
// resolved by the host, or a literal IP) or, for unix networks, a socket
// path inside the guest's preopened directories.
func Dial(network, address string) (net.Conn, error) {
	return DialContext(context.Background(), network, address)
}

// DialContext is Dial with a context: cancelling it, or reaching its
// deadline, stops the dial (a connection already made is unaffected).
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var d Dialer
	return d.DialContext(ctx, network, address)
}

// deadline is the earliest of the dialer's Timeout, its Deadline and the
// context's deadline; zero when there is none.
func (d *Dialer) deadline(ctx context.Context, now time.Time) (earliest time.Time) {
	if d.Timeout != 0 {
		earliest = now.Add(d.Timeout)
	}
	if dl, ok := ctx.Deadline(); ok {
		earliest = minNonzeroTime(earliest, dl)
	}
	return minNonzeroTime(earliest, d.Deadline)
}

func minNonzeroTime(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
