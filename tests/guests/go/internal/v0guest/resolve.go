package v0guest

import (
	"net"
	"os"
	"runtime"
	"strconv"
	"unsafe"
)

// addrsOut is what the existing library offers sock_getaddrip: room for
// eight 16-byte addresses.
const addrsOut = 8 * net.IPv6len

// LookupIP resolves host through sock_getaddrip. network is "ip", "ip4" or
// "ip6"; IPv4 answers come back as ::ffff:a.b.c.d.
func LookupIP(network, host string) ([]net.IP, error) {
	out := make([]byte, addrsOut)
	var outlen uint32
	e := sock_getaddrip(unsafe.Pointer(unsafe.StringData(network)), uint32(len(network)),
		unsafe.Pointer(unsafe.StringData(host)), uint32(len(host)),
		unsafe.Pointer(&out[0]), uint32(len(out)), unsafe.Pointer(&outlen))
	runtime.KeepAlive(network)
	runtime.KeepAlive(host)
	if err := errnoErr(e); err != nil {
		return nil, os.NewSyscallError("sock_getaddrip", err)
	}
	if outlen > uint32(len(out)) || outlen%net.IPv6len != 0 {
		return nil, &net.AddrError{Err: "host wrote a bad address count " + strconv.Itoa(int(outlen)), Addr: host}
	}
	var ips []net.IP
	for i := 0; i < int(outlen); i += net.IPv6len {
		ips = append(ips, net.IP(append([]byte(nil), out[i:i+net.IPv6len]...)))
	}
	return ips, nil
}

// LookupPort resolves a service name for network ("tcp", "udp") through
// sock_getaddrport; a number is taken as is, without asking the host.
func LookupPort(network, service string) (int, error) {
	if p, err := strconv.Atoi(service); err == nil {
		return p, nil
	}
	var port uint32
	e := sock_getaddrport(unsafe.Pointer(unsafe.StringData(network)), uint32(len(network)),
		unsafe.Pointer(unsafe.StringData(service)), uint32(len(service)), unsafe.Pointer(&port))
	runtime.KeepAlive(network)
	runtime.KeepAlive(service)
	if err := errnoErr(e); err != nil {
		return 0, os.NewSyscallError("sock_getaddrport", err)
	}
	return int(port), nil
}

// resolveAddrs turns "host:port" into addresses in the host resolver's
// order, as the existing library does: a literal IP is used as is, an
// empty host is the wildcard (listen) or loopback (dial), and every other
// name goes to sock_getaddrip with network "ip", "ip4" or "ip6".
func resolveAddrs(network, address string, listen bool) ([]net.Addr, error) {
	if network == "unix" || network == "unixgram" {
		return []net.Addr{&net.UnixAddr{Name: address, Net: network}}, nil
	}
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := LookupPort(network, service)
	if err != nil {
		return nil, err
	}
	ips, err := resolveHost(network, host, listen)
	if err != nil {
		return nil, err
	}
	addrs := make([]net.Addr, 0, len(ips))
	for _, ip := range ips {
		if socketType(network) == sockDgram {
			addrs = append(addrs, &net.UDPAddr{IP: ip, Port: port})
		} else {
			addrs = append(addrs, &net.TCPAddr{IP: ip, Port: port})
		}
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

func resolveHost(network, host string, listen bool) ([]net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	v6 := network == "tcp6" || network == "udp6"
	if host == "" {
		switch {
		case listen && v6:
			return []net.IP{net.IPv6zero}, nil
		case listen:
			return []net.IP{net.IPv4zero}, nil
		case v6:
			return []net.IP{net.IPv6loopback}, nil
		}
		return []net.IP{net.IPv4(127, 0, 0, 1)}, nil
	}
	ipnet := "ip"
	switch network {
	case "tcp4", "udp4":
		ipnet = "ip4"
	case "tcp6", "udp6":
		ipnet = "ip6"
	}
	return LookupIP(ipnet, host)
}
