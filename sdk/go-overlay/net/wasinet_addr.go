// wasinet overlay for package net: wasinet_v0's 130-byte RawSocketAddress
// and its translation to and from syscall.Sockaddr.

//go:build wasip1

package net

import (
	"internal/byteorder"
	"syscall"
)

// wasinetRawAddr is {u16 family, u16 socktype} and a body that repeats
// both before the address: for IP, a u32 port (a plain number, not network
// byte order) at offset 8, the address at 12 (4 or 16 bytes) and, for
// IPv6, a u32 scope id at 28; for unix, the guest path from offset 8,
// NUL-padded. Families are the host's numbers.
type wasinetRawAddr [130]byte

const wasinetUnixPathMax = len(wasinetRawAddr{}) - 8

func (a *wasinetRawAddr) setFamily(family uint16) {
	byteorder.LEPutUint16(a[0:], family)
	byteorder.LEPutUint16(a[4:], family)
}

// wasinetEncode lays out sa for a socket of the given wasip1 family: an
// IPv4 address on an inet6 socket becomes ::ffff:a.b.c.d, as Linux wants.
func wasinetEncode(family int, sa syscall.Sockaddr) (*wasinetRawAddr, error) {
	h := wasinetFamilies()
	a := new(wasinetRawAddr)
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		if family == syscall.AF_INET6 {
			mapped := &syscall.SockaddrInet6{Port: sa.Port}
			copy(mapped.Addr[:], IPv4(sa.Addr[0], sa.Addr[1], sa.Addr[2], sa.Addr[3]).To16())
			return wasinetEncode(family, mapped)
		}
		a.setFamily(h.inet)
		byteorder.LEPutUint32(a[8:], uint32(sa.Port))
		copy(a[12:16], sa.Addr[:])
	case *syscall.SockaddrInet6:
		if family == syscall.AF_INET {
			return nil, &AddrError{Err: "non-IPv4 address", Addr: IP(sa.Addr[:]).String()}
		}
		a.setFamily(h.inet6)
		byteorder.LEPutUint32(a[8:], uint32(sa.Port))
		copy(a[12:28], sa.Addr[:])
		byteorder.LEPutUint32(a[28:], sa.ZoneId)
	case *syscall.SockaddrUnix:
		if sa.Name == "" {
			return nil, &AddrError{Err: "empty unix socket path"}
		}
		if len(sa.Name) > wasinetUnixPathMax {
			return nil, &AddrError{Err: "unix socket path longer than the 122 bytes wasinet_v0 carries", Addr: sa.Name}
		}
		a.setFamily(h.unix)
		copy(a[8:], sa.Name)
	default:
		return nil, syscall.EAFNOSUPPORT
	}
	return a, nil
}

// sockaddr decodes an address the host wrote. An unnamed unix socket
// arrives as "@" and becomes the empty name, which is what package net's
// readers test for (UnixConn.ReadFrom then reports no sender).
func (a *wasinetRawAddr) sockaddr() (syscall.Sockaddr, error) {
	h := wasinetFamilies()
	family := byteorder.LEUint16(a[0:])
	port := int(byteorder.LEUint32(a[8:]) & 0xffff)
	switch family {
	case h.inet:
		sa := &syscall.SockaddrInet4{Port: port}
		copy(sa.Addr[:], a[12:16])
		return sa, nil
	case h.inet6:
		sa := &syscall.SockaddrInet6{Port: port, ZoneId: byteorder.LEUint32(a[28:])}
		copy(sa.Addr[:], a[12:28])
		return sa, nil
	case h.unix:
		path := a[8:]
		for i, c := range path {
			if c == 0 {
				path = path[:i]
				break
			}
		}
		if string(path) == "@" {
			path = nil
		}
		return &syscall.SockaddrUnix{Name: string(path)}, nil
	}
	return nil, syscall.EAFNOSUPPORT
}

// wasinetFamilyOf is the wasip1 family of a decoded address.
func wasinetFamilyOf(sa syscall.Sockaddr) int {
	switch sa.(type) {
	case *syscall.SockaddrInet4:
		return syscall.AF_INET
	case *syscall.SockaddrInet6:
		return syscall.AF_INET6
	case *syscall.SockaddrUnix:
		return syscall.AF_UNIX
	}
	return syscall.AF_UNSPEC
}
