package echo

import (
	"fmt"
	"net"

	"wasinet.test/guests/internal/v0guest"
)

// ListenPacket binds a datagram socket through wasinet_v0 or fails.
func ListenPacket(network, addr string) net.PacketConn {
	pc, err := v0guest.ListenPacket(network, addr)
	if err != nil {
		Fail("listen: %v", err)
	}
	return pc
}

// PacketServer binds addr, prints "listening A", then sends each of count
// datagrams back to its source, printing "from SRC n=N"; then it closes the
// socket.
func PacketServer(network, addr string, count int) {
	pc := ListenPacket(network, addr)
	fmt.Printf("listening %s\n", pc.LocalAddr())
	buf := make([]byte, 65536)
	for i := 0; i < count; i++ {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			Fail("read: %v", err)
		}
		fmt.Printf("from %s n=%d\n", from, n)
		if _, err := pc.WriteTo(buf[:n], from); err != nil {
			Fail("write to %s: %v", from, err)
		}
	}
	pc.Close()
}

// Ping sends "ping from the guest" from pc to `to`, prints "reply from SRC
// TEXT" for the answer and closes pc.
func Ping(pc net.PacketConn, to net.Addr) {
	if _, err := pc.WriteTo([]byte("ping from the guest"), to); err != nil {
		Fail("write to %s: %v", to, err)
	}
	buf := make([]byte, 2048)
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		Fail("read: %v", err)
	}
	fmt.Printf("reply from %s %s\n", from, buf[:n])
	pc.Close()
}
