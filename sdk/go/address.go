package wasinet

import (
	"context"
	"net"
	"net/netip"
	"strconv"
)

// numericPort parses a port number; ok is false when service is not a
// number (so it is a service name for the resolver).
func numericPort(service string) (port int, ok bool, err error) {
	if service == "" {
		return 0, true, nil
	}
	for _, c := range service {
		if c < '0' || c > '9' {
			return 0, false, nil
		}
	}
	p, perr := strconv.Atoi(service)
	if perr != nil || p > 65535 {
		return 0, true, &net.AddrError{Err: "invalid port", Addr: service}
	}
	return p, true, nil
}

// ipNetwork is the lookup network ("ip", "ip4", "ip6") for a socket network.
func ipNetwork(network string) string {
	switch network {
	case "tcp4", "udp4":
		return "ip4"
	case "tcp6", "udp6":
		return "ip6"
	}
	return "ip"
}

// fits says whether ip may be used on network: tcp4/udp4/ip4 take IPv4
// only, tcp6/udp6/ip6 IPv6 only, the others either.
func fits(network string, ip netip.Addr) bool {
	if network == "ip4" || network == "ip6" {
		network = "tcp" + network[2:]
	}
	switch ipNetwork(network) {
	case "ip4":
		return ip.Is4()
	case "ip6":
		return ip.Is6()
	}
	return true
}

type (
	portLookup func(ctx context.Context, network, service string) (int, error)
	ipLookup   func(ctx context.Context, network, host string) ([]netip.Addr, error)
)

// resolveIPAddrs turns "host:port" into the socket addresses to try, in
// the resolver's order. An empty host is the unspecified address when
// listening (IPv4's, or IPv6's for tcp6/udp6) and loopback when dialing,
// as in package net. A listener gets one address: the first IPv4 one when
// the network allows both, as package net picks.
func resolveIPAddrs(ctx context.Context, network, address string, listen bool,
	lookupPort portLookup, lookupIP ipLookup) ([]netip.AddrPort, error) {
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := lookupPort(ctx, network, service)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	switch {
	case host == "":
		v6 := ipNetwork(network) == "ip6"
		switch {
		case listen && v6:
			ips = []netip.Addr{netip.IPv6Unspecified()}
		case listen:
			ips = []netip.Addr{netip.IPv4Unspecified()}
		case v6:
			ips = []netip.Addr{netip.IPv6Loopback()}
		default:
			ips = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}
		}
	default:
		if ip, perr := netip.ParseAddr(host); perr == nil {
			ips = []netip.Addr{ip.Unmap()}
		} else if ips, err = lookupIP(ctx, ipNetwork(network), host); err != nil {
			return nil, err
		}
	}
	out := make([]netip.AddrPort, 0, len(ips))
	for _, ip := range ips {
		if fits(network, ip) {
			out = append(out, netip.AddrPortFrom(ip, uint16(port)))
		}
	}
	if len(out) == 0 {
		return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
	}
	if listen {
		for _, ap := range out {
			if ap.Addr().Is4() {
				return []netip.AddrPort{ap}, nil
			}
		}
		return out[:1], nil
	}
	return out, nil
}
