package v0guest

import (
	"encoding/binary"
	"net"
	"strconv"
	"time"
	"unsafe"
)

// Numbers the existing library passes, as it passes them.
const (
	sockStream = 1 // Linux SOCK_STREAM
	sockDgram  = 2 // Linux SOCK_DGRAM

	// Its listen/broadcast helpers pass level 0 for SOL_SOCKET, its dialer
	// passes 1: the host must take both.
	levelZero     = 0
	levelSocket   = 1
	optReuseAddr  = 2
	optError      = 4
	optBroadcast  = 6
	optRcvTimeout = 20
	optSndTimeout = 21

	shutRead  = 1
	shutWrite = 2
	shutBoth  = 3

	backlog = 64
)

// rawAddr is the 130-byte RawSocketAddress: {u16 family, u16 socktype}
// then a 126-byte body that repeats those two fields before the address.
type rawAddr [130]byte

func (a *rawAddr) ptr() (unsafe.Pointer, uint32) { return unsafe.Pointer(&a[0]), uint32(len(a)) }

func (a *rawAddr) family() uint16 { return binary.LittleEndian.Uint16(a[0:]) }

func (a *rawAddr) setHeader(family uint16, sotype int) {
	for _, off := range []int{0, 4} {
		binary.LittleEndian.PutUint16(a[off:], family)
		binary.LittleEndian.PutUint16(a[off+2:], uint16(sotype))
	}
}

// encodeAddr writes an IP or unix address the way the existing library
// does: an IPv4 (or IPv4-mapped) IP takes the inet layout whatever the
// family, a zone is sent only when it is a number, a unix path is cut to
// the 122 bytes the body holds.
func encodeAddr(family uint16, sotype int, addr net.Addr) (rawAddr, error) {
	var a rawAddr
	a.setHeader(family, sotype)
	switch v := addr.(type) {
	case *net.TCPAddr:
		return a, a.setIP(v.IP, v.Port, v.Zone)
	case *net.UDPAddr:
		return a, a.setIP(v.IP, v.Port, v.Zone)
	case *net.UnixAddr:
		copy(a[8:], v.Name)
		return a, nil
	}
	return a, &net.AddrError{Err: "unsupported address type", Addr: addr.String()}
}

func (a *rawAddr) setIP(ip net.IP, port int, zone string) error {
	binary.LittleEndian.PutUint32(a[8:], uint32(port))
	if v4 := ip.To4(); v4 != nil {
		copy(a[12:16], v4)
		return nil
	}
	if len(ip) != net.IPv6len {
		return &net.AddrError{Err: "unsupported address type", Addr: ip.String()}
	}
	copy(a[12:28], ip)
	z, _ := strconv.Atoi(zone)
	binary.LittleEndian.PutUint32(a[28:], uint32(z))
	return nil
}

// decodeAddr reads an address the host wrote; the header's family (a host
// number) picks the layout. sotype picks TCP/UDP and unix/unixgram.
func decodeAddr(a *rawAddr, sotype int) (net.Addr, error) {
	port := int(binary.LittleEndian.Uint32(a[8:]))
	switch int32(a.family()) {
	case hostAF.inet:
		ip := net.IP(append([]byte(nil), a[12:16]...))
		if sotype == sockDgram {
			return &net.UDPAddr{IP: ip, Port: port}, nil
		}
		return &net.TCPAddr{IP: ip, Port: port}, nil
	case hostAF.inet6:
		ip := net.IP(append([]byte(nil), a[12:28]...))
		if sotype == sockDgram {
			return &net.UDPAddr{IP: ip, Port: port}, nil
		}
		return &net.TCPAddr{IP: ip, Port: port}, nil
	case hostAF.unix:
		path := a[8:]
		for i, c := range path {
			if c == 0 {
				path = path[:i]
				break
			}
		}
		if sotype == sockDgram {
			return &net.UnixAddr{Name: string(path), Net: "unixgram"}, nil
		}
		return &net.UnixAddr{Name: string(path), Net: "unix"}, nil
	}
	return nil, &net.AddrError{Err: "unknown address family " + strconv.Itoa(int(a.family()))}
}

// iovec is one scatter/gather entry as the existing library lays it out:
// a Go struct of a pointer and a u32. Go's wasm port has 8-byte pointers,
// so an entry is 16 bytes {u64 buf, u32 len, 4 bytes padding} — not
// preview1's 8-byte iovec. The pointer also keeps the buffer alive.
type iovec struct {
	buf unsafe.Pointer
	len uint32
}

func oneVec(b []byte) [1]iovec {
	return [1]iovec{{buf: unsafe.Pointer(unsafe.SliceData(b)), len: uint32(len(b))}}
}

// timeval is the 16-byte SO_RCVTIMEO/SO_SNDTIMEO value: {i64 seconds, i64
// milliseconds} of a duration from now.
type timeval struct {
	sec, ms int64
}

// deadlineValue encodes a deadline as the existing library does: the zero
// time is {0, 0} (no deadline); otherwise the time left, cut to whole
// seconds plus milliseconds clamped to [0, 999999]. So a deadline more than
// a second past gives negative seconds (expired), while one a moment past,
// or "now", comes out as {0, 0}: the library's own bug, kept.
func deadlineValue(t time.Time) timeval {
	var d time.Duration
	if !t.IsZero() {
		d = time.Until(t)
		if d == 0 {
			d = -1
		}
	}
	whole := d.Truncate(time.Second)
	ms := (d - whole).Milliseconds()
	return timeval{sec: int64(whole / time.Second), ms: max(0, min(ms, 999999))}
}
