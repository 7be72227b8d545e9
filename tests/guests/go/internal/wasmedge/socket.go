//go:build wasip1

package wasmedge

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"runtime"
	"syscall"
	"unsafe"
)

// Address families and socket types, WasmEdge's numbers.
const (
	AFInet4 = 1
	AFInet6 = 2
	AFUnix  = 3

	SockDgram  = 1
	SockStream = 2

	SolSocket = 0
	SoReuse   = 0
	SoType    = 1
	SoError   = 2
	SoSndbuf  = 5
	SoKeep    = 7
	SoLinger  = 9
	SoBindDev = 14
)

type addressBuffer struct {
	buf    uint32
	bufLen uint32
}

// rawAddress is the 128-byte family-first form; ipAddress holds the raw 4
// or 16 bytes of the first form.
type rawAddress struct {
	family uint16
	addr   [126]byte
}

// Addr is a socket address: an IP address and port, or a unix path.
type Addr struct {
	IP   netip.AddrPort
	Path string
}

func (a Addr) String() string {
	if a.Path != "" {
		return a.Path
	}
	return a.IP.String()
}

func (a Addr) family() int32 {
	switch {
	case a.Path != "":
		return AFUnix
	case a.IP.Addr().Is4():
		return AFInet4
	default:
		return AFInet6
	}
}

// encode: raw 4/16 bytes for IP (as dispatchrun/net), 128 bytes for unix.
func (a Addr) encode(keep *[]byte) (unsafe.Pointer, uint32) {
	var b []byte
	if a.Path != "" {
		var raw rawAddress
		raw.family = AFUnix
		copy(raw.addr[:], a.Path)
		b = unsafe.Slice((*byte)(unsafe.Pointer(&raw)), unsafe.Sizeof(raw))
	} else if a.IP.Addr().Is4() {
		ip := a.IP.Addr().As4()
		b = ip[:]
	} else {
		ip := a.IP.Addr().As16()
		b = ip[:]
	}
	*keep = b
	buf := &addressBuffer{buf: uint32(uintptr(unsafe.Pointer(&b[0]))), bufLen: uint32(len(b))}
	return unsafe.Pointer(buf), uint32(a.IP.Port())
}

func decode(raw *rawAddress, port uint32) (Addr, error) {
	switch raw.family {
	case AFInet4:
		return Addr{IP: netip.AddrPortFrom(netip.AddrFrom4([4]byte(raw.addr[:4])), uint16(port))}, nil
	case AFInet6:
		return Addr{IP: netip.AddrPortFrom(netip.AddrFrom16([16]byte(raw.addr[:16])), uint16(port))}, nil
	case AFUnix:
		n := 0
		for n < len(raw.addr) && raw.addr[n] != 0 {
			n++
		}
		return Addr{Path: string(raw.addr[:n])}, nil
	}
	return Addr{}, fmt.Errorf("address family %d", raw.family)
}

// Socket is an open WasmEdge socket.
type Socket int32

func Open(family, socktype int32) (Socket, error) {
	var fd int32
	if e := sockOpen(family, socktype, unsafe.Pointer(&fd)); e != 0 {
		return -1, e
	}
	return Socket(fd), nil
}

// OpenFor opens a socket of a's family.
func OpenFor(a Addr, socktype int32) (Socket, error) { return Open(a.family(), socktype) }

func (s Socket) Bind(a Addr) error {
	var keep []byte
	p, port := a.encode(&keep)
	e := sockBind(int32(s), p, port)
	runtime.KeepAlive(keep)
	return errnoErr(e)
}

func (s Socket) Connect(a Addr) error {
	var keep []byte
	p, port := a.encode(&keep)
	e := sockConnect(int32(s), p, port)
	runtime.KeepAlive(keep)
	return errnoErr(e)
}

func (s Socket) Listen(backlog int32) error { return errnoErr(sockListen(int32(s), backlog)) }

// Accept with preview1's signature (the second version's); flags 0 or
// FDFLAGS_NONBLOCK (4).
func (s Socket) Accept(flags uint32) (Socket, error) {
	var fd int32
	if e := sockAccept(int32(s), flags, unsafe.Pointer(&fd)); e != 0 {
		return -1, e
	}
	return Socket(fd), nil
}

type iovec struct {
	buf    uint32
	bufLen uint32
}

func (s Socket) RecvFrom(b []byte, flags int32) (int, Addr, error) {
	var raw rawAddress
	ab := addressBuffer{buf: uint32(uintptr(unsafe.Pointer(&raw))), bufLen: uint32(unsafe.Sizeof(raw))}
	iov := iovec{buf: uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), bufLen: uint32(len(b))}
	var port, nread uint32
	var oflags int32
	e := sockRecvFrom(int32(s), unsafe.Pointer(&iov), 1, unsafe.Pointer(&ab), flags,
		unsafe.Pointer(&port), unsafe.Pointer(&nread), unsafe.Pointer(&oflags))
	runtime.KeepAlive(b)
	if e != 0 {
		return 0, Addr{}, e
	}
	if raw.family == 0 { // a stream socket names no sender
		return int(nread), Addr{}, nil
	}
	a, err := decode(&raw, port)
	return int(nread), a, err
}

func (s Socket) SendTo(b []byte, to Addr) (int, error) {
	var keep []byte
	var p unsafe.Pointer
	var port uint32
	if to.Path != "" || to.IP.IsValid() {
		p, port = to.encode(&keep)
	} else {
		p = unsafe.Pointer(&addressBuffer{})
	}
	iov := iovec{buf: uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), bufLen: uint32(len(b))}
	var n uint32
	e := sockSendTo(int32(s), unsafe.Pointer(&iov), 1, p, int32(port), 0, unsafe.Pointer(&n))
	runtime.KeepAlive(keep)
	runtime.KeepAlive(b)
	return int(n), errnoErr(e)
}

func (s Socket) Send(b []byte) (int, error) { return s.SendTo(b, Addr{}) }

// SendAll sends all of b (a blocking stream socket may send part).
func (s Socket) SendAll(b []byte) error {
	for len(b) > 0 {
		n, err := s.Send(b)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

func (s Socket) address(get func(int32, unsafe.Pointer, unsafe.Pointer) syscall.Errno) (Addr, error) {
	var raw rawAddress
	ab := addressBuffer{buf: uint32(uintptr(unsafe.Pointer(&raw))), bufLen: uint32(unsafe.Sizeof(raw))}
	var port uint32
	if e := get(int32(s), unsafe.Pointer(&ab), unsafe.Pointer(&port)); e != 0 {
		return Addr{}, e
	}
	return decode(&raw, port)
}

func (s Socket) LocalAddr() (Addr, error) { return s.address(sockGetlocaladdr) }
func (s Socket) PeerAddr() (Addr, error)  { return s.address(sockGetpeeraddr) }

// GetInt reads an int option, passing its size by value as dispatchrun/net does.
func (s Socket) GetInt(name uint32) (int32, error) {
	var v int32
	e := sockGetsockopt(int32(s), SolSocket, name, unsafe.Pointer(&v), 4)
	return v, errnoErr(e)
}

func (s Socket) SetInt(name uint32, v int32) error {
	return errnoErr(sockSetsockopt(int32(s), SolSocket, name, unsafe.Pointer(&v), 4))
}

// SetLinger sets SO_LINGER with a struct linger {on, seconds}.
func (s Socket) SetLinger(on, seconds int32) error {
	l := [2]int32{on, seconds}
	return errnoErr(sockSetsockopt(int32(s), SolSocket, SoLinger, unsafe.Pointer(&l), 8))
}

func (s Socket) GetLinger() (on, seconds int32, err error) {
	var l [2]int32
	e := sockGetsockopt(int32(s), SolSocket, SoLinger, unsafe.Pointer(&l), 8)
	return l[0], l[1], errnoErr(e)
}

func (s Socket) Shutdown(how int32) error { return errnoErr(sockShutdown(int32(s), how)) }

func (s Socket) Close() error { return syscall.Close(int(s)) }

func (s Socket) SetNonblock() error { return syscall.SetNonblock(int(s), true) }

func errnoErr(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

// WaitReadable blocks in poll_oneoff until s is readable (a subscription
// for fd_read), or the timeout passes: true when readable.
func (s Socket) WaitReadable(timeoutNanos uint64) (bool, error) {
	// Two subscriptions of 48 bytes: fd_read on s, and a relative clock.
	var in [2][48]byte
	binary.LittleEndian.PutUint64(in[0][0:], 1) // userdata
	in[0][8] = 1                                // eventtype fd_read
	binary.LittleEndian.PutUint32(in[0][16:], uint32(s))
	binary.LittleEndian.PutUint64(in[1][0:], 2)
	in[1][8] = 0                                            // eventtype clock
	binary.LittleEndian.PutUint32(in[1][16:], 1)            // monotonic
	binary.LittleEndian.PutUint64(in[1][24:], timeoutNanos) // timeout
	var out [2][32]byte
	var n uint32
	if e := pollOneoff(unsafe.Pointer(&in), unsafe.Pointer(&out), 2, unsafe.Pointer(&n)); e != 0 {
		return false, e
	}
	for i := uint32(0); i < n; i++ {
		if binary.LittleEndian.Uint64(out[i][0:]) == 1 {
			return true, nil
		}
	}
	return false, nil
}
