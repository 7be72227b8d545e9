//go:build wasip1

package wasmedge

import (
	"encoding/binary"
	"net/netip"
	"syscall"
	"unsafe"
)

// addrinfo and sockaddr as WasmEdge lays them out (28 and 12 bytes).
type addrinfo struct {
	flags     uint16
	family    uint8
	socktype  uint8
	protocol  uint32
	addrlen   uint32
	addr      uint32 // *sockaddr
	canonname uint32
	canonLen  uint32
	next      uint32 // *addrinfo
}

type sockaddr struct {
	family  uint32
	dataLen uint32
	data    uint32
}

// Result is one answer of Lookup.
type Result struct {
	Addr     netip.AddrPort
	Socktype uint8
}

// Lookup calls sock_getaddrinfo with room for max results, NUL-terminated
// strings as WasmEdge's guests pass them.
func Lookup(node, service string, family, socktype uint8, flags uint16, max int) ([]Result, error) {
	infos := make([]addrinfo, max)
	addrs := make([]sockaddr, max)
	data := make([][26]byte, max)
	for i := range infos {
		addrs[i] = sockaddr{dataLen: 26, data: uint32(uintptr(unsafe.Pointer(&data[i])))}
		infos[i].addr = uint32(uintptr(unsafe.Pointer(&addrs[i])))
		if i > 0 {
			infos[i-1].next = uint32(uintptr(unsafe.Pointer(&infos[i])))
		}
	}
	hints := addrinfo{flags: flags, family: family, socktype: socktype}
	n0 := append([]byte(node), 0)
	s0 := append([]byte(service), 0)
	res := uint32(uintptr(unsafe.Pointer(&infos[0])))
	var n uint32
	e := sockGetaddrinfo(unsafe.Pointer(&n0[0]), uint32(len(n0)), unsafe.Pointer(&s0[0]), uint32(len(s0)),
		unsafe.Pointer(&hints), unsafe.Pointer(&res), uint32(max), unsafe.Pointer(&n))
	if e != 0 {
		return nil, e
	}
	out := make([]Result, 0, n)
	for i := uint32(0); i < n; i++ {
		port := binary.BigEndian.Uint16(data[i][:2])
		var ip netip.Addr
		switch addrs[i].family {
		case AFInet4:
			ip = netip.AddrFrom4([4]byte(data[i][2:6]))
		case AFInet6:
			ip = netip.AddrFrom16([16]byte(data[i][2:18]))
		default:
			return nil, syscall.EAFNOSUPPORT
		}
		out = append(out, Result{Addr: netip.AddrPortFrom(ip, port), Socktype: infos[i].socktype})
	}
	return out, nil
}
