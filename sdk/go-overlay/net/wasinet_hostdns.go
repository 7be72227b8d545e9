// wasinet overlay for package net: the host's resolver, through
// wasinet_v0's sock_getaddrip and sock_getaddrport. The call holds the
// whole guest until the host's getaddrinfo answers: a lookup is the one
// wait here that a context cannot cut short.

//go:build wasip1

package net

import (
	"context"
	"net/netip"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// wasinetMaxAddrs is how many addresses a lookup asks the host for.
const wasinetMaxAddrs = 64

// wasinetLookupIP asks the host for the addresses of host. network is the
// lookup's ("ip", "ip4", "ip6") or a dial's ("tcp4", "udp6", ...): its
// last character picks the IP version. IPv4 answers arrive as
// ::ffff:a.b.c.d.
func wasinetLookupIP(ctx context.Context, network, host string) ([]IPAddr, error) {
	if err := ctx.Err(); err != nil {
		return nil, newDNSError(mapErr(err), host, "")
	}
	version := "ip"
	if n := len(network); n > 0 {
		switch network[n-1] {
		case '4':
			version = "ip4"
		case '6':
			version = "ip6"
		}
	}
	out := make([]byte, wasinetMaxAddrs*16)
	var outlen uint32
	e := wasinet_sock_getaddrip(unsafe.Pointer(unsafe.StringData(version)), uint32(len(version)),
		unsafe.Pointer(unsafe.StringData(host)), uint32(len(host)),
		unsafe.Pointer(&out[0]), uint32(len(out)), unsafe.Pointer(&outlen))
	runtime.KeepAlive(version)
	runtime.KeepAlive(host)
	if e != 0 {
		return nil, wasinetLookupError(syscall.Errno(e), host)
	}
	if outlen > uint32(len(out)) || outlen%16 != 0 {
		return nil, &DNSError{Err: "the host wrote a malformed address list", Name: host}
	}
	addrs := make([]IPAddr, 0, outlen/16)
	for i := 0; i < int(outlen); i += 16 {
		ip := netip.AddrFrom16([16]byte(out[i : i+16])).Unmap()
		addrs = append(addrs, IPAddr{IP: IP(ip.AsSlice())})
	}
	if len(addrs) == 0 {
		return nil, wasinetLookupError(syscall.ENOENT, host)
	}
	return addrs, nil
}

// wasinetLookupError words the host's errno as package net words DNS
// failures, so IsNotFound and IsTemporary carry over; the errno stays
// reachable (errors.Is(err, syscall.EACCES) for a policy refusal).
func wasinetLookupError(errno syscall.Errno, host string) error {
	switch errno {
	case syscall.ENOENT, syscall.EINVAL:
		return newDNSError(errNoSuchHost, host, "")
	case syscall.EAGAIN:
		return &DNSError{Err: "temporary failure in name resolution", Name: host, IsTemporary: true,
			UnwrapErr: os.NewSyscallError("sock_getaddrip", errno)}
	case syscall.EACCES:
		return &DNSError{Err: "lookup refused by the host's network policy", Name: host,
			UnwrapErr: os.NewSyscallError("sock_getaddrip", errno)}
	}
	return &DNSError{Err: "host resolver: " + errno.Error(), Name: host,
		UnwrapErr: os.NewSyscallError("sock_getaddrip", errno)}
}

// wasinetLookupPort asks the host for the port of a named service on
// network ("tcp", "udp", their 4/6 forms; "ip" tries tcp, then udp).
func wasinetLookupPort(network, service string) (int, error) {
	if network == "ip" {
		if port, err := wasinetLookupPort("tcp", service); err == nil {
			return port, nil
		}
		return wasinetLookupPort("udp", service)
	}
	var port uint32
	e := wasinet_sock_getaddrport(unsafe.Pointer(unsafe.StringData(network)), uint32(len(network)),
		unsafe.Pointer(unsafe.StringData(service)), uint32(len(service)), unsafe.Pointer(&port))
	runtime.KeepAlive(network)
	runtime.KeepAlive(service)
	if e != 0 {
		return 0, syscall.Errno(e)
	}
	if port > 65535 {
		return 0, syscall.EINVAL
	}
	return int(port), nil
}
