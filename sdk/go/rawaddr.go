package wasinet

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strconv"
)

// rawAddr is wasinet_v0's 130-byte RawSocketAddress: u16 family and u16
// socket type, then a body that repeats both before the address itself.
// Ports are plain little-endian u32s, not network byte order.
type rawAddr [130]byte

// unixPathMax is what the body holds after its 4-byte header.
const unixPathMax = len(rawAddr{}) - 8

// families are the host's numbers for unix, inet and inet6, which every
// address and sock_open carries (the host answers
// sock_determine_host_af_family with them; Linux: 1, 2, 10).
type families struct{ unix, inet, inet6 uint16 }

var linuxFamilies = families{unix: 1, inet: 2, inet6: 10}

// addrKind says which layout a decoded address had.
type addrKind uint8

const (
	kindInet addrKind = iota + 1
	kindInet6
	kindUnix
)

// sockAddr is a decoded address: an IP and port, or a unix path.
type sockAddr struct {
	kind addrKind
	ap   netip.AddrPort
	path string
}

var errUnixPathTooLong = errors.New("unix socket path longer than " + strconv.Itoa(unixPathMax) + " bytes")

func (a *rawAddr) setHeader(family uint16) {
	binary.LittleEndian.PutUint16(a[0:], family)
	binary.LittleEndian.PutUint16(a[4:], family)
}

// encodeIP lays out ap for a socket of family sockFamily: an IPv4 address
// on an inet6 socket becomes ::ffff:a.b.c.d (what Linux wants there), an
// IPv6 address always takes the inet6 layout. A zone must be a number
// (the scope id): wasip1 has no interface names to look up.
func encodeIP(fam families, sockFamily uint16, ap netip.AddrPort) (rawAddr, error) {
	var a rawAddr
	ip := ap.Addr()
	if sockFamily == fam.inet {
		if ip.Is4In6() {
			ip = ip.Unmap()
		}
		if !ip.Is4() {
			return a, &net.AddrError{Err: "IPv6 address on an IPv4 socket", Addr: ap.String()}
		}
		a.setHeader(fam.inet)
		binary.LittleEndian.PutUint32(a[8:], uint32(ap.Port()))
		b := ip.As4()
		copy(a[12:16], b[:])
		return a, nil
	}
	if !ip.IsValid() {
		return a, &net.AddrError{Err: "invalid IP address", Addr: ap.String()}
	}
	var scope uint64
	if z := ip.Zone(); z != "" {
		var err error
		if scope, err = strconv.ParseUint(z, 10, 32); err != nil {
			return a, &net.AddrError{Err: "zone must be a numeric scope id", Addr: ap.String()}
		}
	}
	a.setHeader(fam.inet6)
	binary.LittleEndian.PutUint32(a[8:], uint32(ap.Port()))
	b := ip.As16()
	copy(a[12:28], b[:])
	binary.LittleEndian.PutUint32(a[28:], uint32(scope))
	return a, nil
}

// encodeUnix lays out a unix path; the host resolves it as a guest path.
func encodeUnix(fam families, path string) (rawAddr, error) {
	var a rawAddr
	if len(path) > unixPathMax {
		return a, &net.AddrError{Err: errUnixPathTooLong.Error(), Addr: path}
	}
	if path == "" {
		return a, &net.AddrError{Err: "empty unix socket path", Addr: path}
	}
	a.setHeader(fam.unix)
	copy(a[8:], path)
	return a, nil
}

// decode reads an address the host wrote. An unnamed unix socket is "@",
// on the wire as in package net's addresses on Linux.
func (a *rawAddr) decode(fam families) (sockAddr, error) {
	family := binary.LittleEndian.Uint16(a[0:])
	port := uint16(binary.LittleEndian.Uint32(a[8:]))
	switch family {
	case fam.inet:
		return sockAddr{kind: kindInet, ap: netip.AddrPortFrom(netip.AddrFrom4([4]byte(a[12:16])), port)}, nil
	case fam.inet6:
		ip := netip.AddrFrom16([16]byte(a[12:28]))
		if scope := binary.LittleEndian.Uint32(a[28:]); scope != 0 {
			ip = ip.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
		return sockAddr{kind: kindInet6, ap: netip.AddrPortFrom(ip, port)}, nil
	case fam.unix:
		path := a[8:]
		for i, c := range path {
			if c == 0 {
				path = path[:i]
				break
			}
		}
		return sockAddr{kind: kindUnix, path: string(path)}, nil
	}
	return sockAddr{}, &net.AddrError{Err: "host reported unknown address family " + strconv.Itoa(int(family))}
}

// netAddr turns a decoded address into the net.Addr package net would
// give for network: *TCPAddr, *UDPAddr or *UnixAddr.
func (s sockAddr) netAddr(network string) net.Addr {
	if s.kind == kindUnix {
		return &net.UnixAddr{Name: s.path, Net: network}
	}
	if isUDP(network) {
		return net.UDPAddrFromAddrPort(s.ap)
	}
	return net.TCPAddrFromAddrPort(s.ap)
}

func isUDP(network string) bool {
	return network == "udp" || network == "udp4" || network == "udp6"
}

func isUnix(network string) bool { return network == "unix" || network == "unixgram" }

// isDatagram says whether network's sockets are SOCK_DGRAM.
func isDatagram(network string) bool { return isUDP(network) || network == "unixgram" }
