//go:build wasip1

package wasinet

import (
	"context"
	"net"
	"net/netip"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// DefaultResolver resolves names through the host (sock_getaddrip), so the
// host's resolver and network policy decide every lookup. It is a
// *net.Resolver whose Go resolver talks DNS to an in-memory server inside
// the guest (see dnsconn.go): no DNS packet leaves the guest. Lookups of
// other record types than A and AAAA (MX, TXT, SRV, PTR, ...) fail with
// "server misbehaving": wasinet_v0 only resolves addresses.
var DefaultResolver = &net.Resolver{PreferGo: true, Dial: dialHostDNS}

// dialHostDNS is DefaultResolver's Dial: whatever server it is asked for,
// it returns the in-memory one answering from the host.
func dialHostDNS(ctx context.Context, network, address string) (net.Conn, error) {
	return newDNSConn(network, hostAnswers.get), nil
}

// hostAnswers asks the host once per name for both families, and lets the
// resolver's A and AAAA queries (and its retries) share that answer.
var hostAnswers = newRecentLookups(time.Second, func(name string) ([]netip.Addr, int) {
	addrs, err := hostLookupIP("ip", name)
	if err != nil {
		return nil, dnsRcodeOf(err)
	}
	return addrs, rcodeSuccess
})

// dnsRcodeOf tells the resolver why the host could not resolve a name.
func dnsRcodeOf(err error) int {
	switch hostErrno(err) {
	case syscall.ENOENT, syscall.EINVAL:
		return rcodeNameError
	case syscall.EACCES:
		return rcodeRefused
	}
	return rcodeServerFailure
}

func hostErrno(err error) syscall.Errno {
	if de, ok := err.(*lookupError); ok {
		return de.errno
	}
	return 0
}

// lookupError keeps the host's errno next to the *net.DNSError it becomes.
type lookupError struct {
	errno syscall.Errno
	dns   *net.DNSError
}

func (e *lookupError) Error() string { return e.dns.Error() }

// hostLookupIP asks the host for the addresses of host: network "ip",
// "ip4" or "ip6". IPv4 answers arrive as ::ffff:a.b.c.d and are unmapped.
func hostLookupIP(network, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	out := make([]byte, maxAddrsAsk*16)
	var outlen uint32
	e := sock_getaddrip(unsafe.Pointer(unsafe.StringData(network)), uint32(len(network)),
		unsafe.Pointer(unsafe.StringData(host)), uint32(len(host)),
		unsafe.Pointer(&out[0]), uint32(len(out)), unsafe.Pointer(&outlen))
	runtime.KeepAlive(network)
	runtime.KeepAlive(host)
	if e != 0 {
		return nil, &lookupError{errno: syscall.Errno(e), dns: lookupDNSError(syscall.Errno(e), host)}
	}
	if outlen > uint32(len(out)) || outlen%16 != 0 {
		return nil, &lookupError{errno: syscall.EIO, dns: &net.DNSError{Err: "host wrote a malformed address list", Name: host}}
	}
	addrs := make([]netip.Addr, 0, outlen/16)
	for i := 0; i < int(outlen); i += 16 {
		addrs = append(addrs, netip.AddrFrom16([16]byte(out[i:i+16])).Unmap())
	}
	if len(addrs) == 0 {
		return nil, &lookupError{errno: syscall.ENOENT, dns: lookupDNSError(syscall.ENOENT, host)}
	}
	return addrs, nil
}

// lookupDNSError words the host's errno the way package net words DNS
// failures, so callers' IsNotFound / IsTemporary checks carry over.
func lookupDNSError(errno syscall.Errno, host string) *net.DNSError {
	switch errno {
	case syscall.ENOENT, syscall.EINVAL:
		return &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	case syscall.EAGAIN:
		return &net.DNSError{Err: "temporary failure in name resolution", Name: host, IsTemporary: true}
	case syscall.EACCES:
		return &net.DNSError{Err: "lookup refused by the host's network policy", Name: host}
	}
	return &net.DNSError{Err: "host resolver: " + errno.Error(), Name: host}
}

func lookupIPAddrs(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if err := ctx.Err(); err != nil {
		e := contextError(err)
		return nil, &net.DNSError{Err: e.Error(), Name: host, IsTimeout: e == error(dialTimeoutError{})}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip = ip.Unmap(); !fits(network, ip) {
			return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
		}
		return []netip.Addr{ip}, nil
	}
	// The host call blocks the guest until getaddrinfo answers: a name
	// lookup is the one wait here that a context cannot cut short.
	addrs, err := hostLookupIP(network, host)
	if le, ok := err.(*lookupError); ok {
		return nil, le.dns
	}
	return addrs, err
}

// LookupHost returns the addresses of host, resolved by the host's
// resolver (so /etc/hosts and the host's DNS, under its policy). A name
// that does not exist is a *net.DNSError whose IsNotFound is true.
func LookupHost(ctx context.Context, host string) ([]string, error) {
	addrs, err := lookupIPAddrs(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out, nil
}

// LookupIP returns the addresses of host for network "ip", "ip4" or "ip6".
func LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	switch network {
	case "ip", "ip4", "ip6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	addrs, err := lookupIPAddrs(ctx, network, host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, len(addrs))
	for i, a := range addrs {
		out[i] = net.IP(a.AsSlice())
	}
	return out, nil
}

// LookupPort returns the port of service ("http", or a number) on network
// ("tcp", "udp", their 4/6 forms, or "" for tcp).
func LookupPort(ctx context.Context, network, service string) (int, error) {
	if network == "" {
		network = "tcp"
	}
	switch network {
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return 0, net.UnknownNetworkError(network)
	}
	if port, ok, err := numericPort(service); ok {
		return port, err
	}
	if err := ctx.Err(); err != nil {
		return 0, &net.DNSError{Err: contextError(err).Error(), Name: network + "/" + service}
	}
	var port uint32
	e := sock_getaddrport(unsafe.Pointer(unsafe.StringData(network)), uint32(len(network)),
		unsafe.Pointer(unsafe.StringData(service)), uint32(len(service)), unsafe.Pointer(&port))
	runtime.KeepAlive(network)
	runtime.KeepAlive(service)
	switch {
	case e == uint32(syscall.ENOENT) || e == uint32(syscall.EINVAL):
		return 0, &net.DNSError{Err: "unknown port", Name: network + "/" + service, IsNotFound: true}
	case e != 0:
		return 0, &net.DNSError{Err: os.NewSyscallError("sock_getaddrport", syscall.Errno(e)).Error(),
			Name: network + "/" + service}
	case port > 65535:
		return 0, &net.AddrError{Err: "invalid port", Addr: service}
	}
	return int(port), nil
}
