//go:build !wasip1

package wasinet

import (
	"context"
	"net"
)

// Outside wasip1 the same API is package net's own, so a program written
// against it also builds and runs natively (and its tests can run there).

// DefaultResolver is net.DefaultResolver outside wasip1.
var DefaultResolver = net.DefaultResolver

// DialContext dials with package net, applying the same fields.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nd := net.Dialer{
		Timeout:        d.Timeout,
		Deadline:       d.Deadline,
		LocalAddr:      d.LocalAddr,
		FallbackDelay:  d.FallbackDelay,
		KeepAlive:      d.KeepAlive,
		Resolver:       d.Resolver,
		Cancel:         d.Cancel,
		Control:        d.Control,
		ControlContext: d.ControlContext,
	}
	return nd.DialContext(ctx, network, address)
}

// Listen is net.ListenConfig.Listen.
func Listen(ctx context.Context, network, address string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(ctx, network, address)
}

// ListenPacket is net.ListenConfig.ListenPacket.
func ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	var lc net.ListenConfig
	return lc.ListenPacket(ctx, network, address)
}

// LookupHost is net.DefaultResolver.LookupHost.
func LookupHost(ctx context.Context, host string) ([]string, error) {
	return net.DefaultResolver.LookupHost(ctx, host)
}

// LookupIP is net.DefaultResolver.LookupIP.
func LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	return net.DefaultResolver.LookupIP(ctx, network, host)
}

// LookupPort is net.DefaultResolver.LookupPort.
func LookupPort(ctx context.Context, network, service string) (int, error) {
	return net.DefaultResolver.LookupPort(ctx, network, service)
}

// Hijack does nothing outside wasip1: the defaults already use the network.
func Hijack() {}

// UDPConn is *net.UDPConn's type outside wasip1, so code that type-asserts
// to *wasinet.UDPConn builds everywhere.
type UDPConn = net.UDPConn

// UnixgramConn is net.UnixConn outside wasip1.
type UnixgramConn = net.UnixConn
