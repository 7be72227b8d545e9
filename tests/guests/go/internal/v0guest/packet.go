package v0guest

import (
	"net"
	"syscall"
)

// ListenPacket opens a bound datagram socket (udp, udp4, udp6, unixgram):
// socket, SO_REUSEADDR at level 0, bind.
func ListenPacket(network, address string) (net.PacketConn, error) {
	s, err := openBound(network, address)
	if err != nil {
		return nil, err
	}
	return &packetConn{s}, nil
}

type packetConn struct{ *socket }

func (c *packetConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := c.recv(b)
	if err != nil {
		return 0, nil, c.opErr("read", err)
	}
	addr, err := decodeAddr(&from, c.sotype)
	if err != nil {
		return 0, nil, c.opErr("read", err)
	}
	return n, addr, nil
}

// WriteTo encodes a UDP destination as the existing library does: an
// IPv4 or IPv4-mapped address takes the inet layout under the socket's
// family. (For unixgram the existing library never reaches the host — its
// WriteTo fails inside the guest — so the proper unix family is sent.)
func (c *packetConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	var to rawAddr
	switch a := addr.(type) {
	case *net.UDPAddr:
		to.setHeader(uint16(c.family), c.sotype)
		if err := to.setIP(a.IP, a.Port, ""); err != nil {
			return 0, c.opErr("write", err)
		}
	case *net.UnixAddr:
		var err error
		if to, err = encodeAddr(uint16(hostAF.unix), c.sotype, a); err != nil {
			return 0, c.opErr("write", err)
		}
	default:
		return 0, c.opErr("write", syscall.EINVAL)
	}
	n, err := c.send(b, &to)
	return n, c.opErr("write", err)
}
