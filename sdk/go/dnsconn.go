package wasinet

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// dnsConn is what the Go resolver gets from DefaultResolver's Dial: a
// "connection to a DNS server" that never leaves the guest. Each query
// written is answered at once by answerDNS from the host's resolver, and
// the answer waits to be read. "udp" conns are packet conns (one message
// per Write and Read, as the resolver expects of a PacketConn); "tcp"
// conns carry the 2-byte length prefix of DNS over TCP, which the resolver
// switches to when an answer comes back truncated.
type dnsConn struct {
	stream bool
	lookup hostLookup

	mu       sync.Mutex
	answers  [][]byte // packet mode: whole answers, oldest first
	pending  []byte   // stream mode: answer bytes not yet read
	partial  []byte   // stream mode: query bytes written so far
	ready    chan struct{}
	closed   chan struct{}
	isClosed bool
	deadline time.Time // read deadline; writes never wait
}

func newDNSConn(network string, lookup hostLookup) net.Conn {
	c := &dnsConn{
		stream: network == "tcp" || network == "tcp4" || network == "tcp6",
		lookup: lookup,
		ready:  make(chan struct{}, 1),
		closed: make(chan struct{}),
	}
	if c.stream {
		return c
	}
	return &dnsPacketConn{c}
}

// dnsPacketConn adds net.PacketConn's methods, which is how the resolver
// tells a datagram conn from a stream one.
type dnsPacketConn struct{ *dnsConn }

func (c *dnsPacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, err := c.Read(b)
	return n, dnsServerAddr{}, err
}

func (c *dnsPacketConn) WriteTo(b []byte, _ net.Addr) (int, error) { return c.Write(b) }

func (c *dnsConn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: c.network(), Source: dnsServerAddr{}, Addr: dnsServerAddr{}, Err: err}
}

func (c *dnsConn) network() string {
	if c.stream {
		return "tcp"
	}
	return "udp"
}

// Write takes one query (packet mode) or more query bytes (stream mode)
// and queues the answers.
func (c *dnsConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	if c.isClosed {
		c.mu.Unlock()
		return 0, c.opErr("write", net.ErrClosed)
	}
	var queries [][]byte
	if c.stream {
		c.partial = append(c.partial, b...)
		for len(c.partial) >= 2 {
			n := int(binary.BigEndian.Uint16(c.partial))
			if len(c.partial) < 2+n {
				break
			}
			queries = append(queries, append([]byte(nil), c.partial[2:2+n]...))
			c.partial = c.partial[2+n:]
		}
	} else {
		queries = [][]byte{append([]byte(nil), b...)}
	}
	c.mu.Unlock()

	// Resolve without holding the lock: the lookup is a host call.
	max := udpAnswerMax
	if c.stream {
		max = streamAnswerMax
	}
	var replies [][]byte
	for _, q := range queries {
		if r, ok := answerDNS(q, max, c.lookup); ok {
			replies = append(replies, r)
		}
	}

	c.mu.Lock()
	for _, r := range replies {
		if c.stream {
			c.pending = binary.BigEndian.AppendUint16(c.pending, uint16(len(r)))
			c.pending = append(c.pending, r...)
		} else {
			c.answers = append(c.answers, r)
		}
	}
	c.mu.Unlock()
	if len(replies) > 0 {
		select {
		case c.ready <- struct{}{}:
		default:
		}
	}
	return len(b), nil
}

// Read returns the next answer, waiting for one until the read deadline.
func (c *dnsConn) Read(b []byte) (int, error) {
	for {
		c.mu.Lock()
		if c.isClosed {
			c.mu.Unlock()
			return 0, c.opErr("read", net.ErrClosed)
		}
		if c.stream && len(c.pending) > 0 {
			n := copy(b, c.pending)
			c.pending = c.pending[n:]
			c.mu.Unlock()
			return n, nil
		}
		if !c.stream && len(c.answers) > 0 {
			n := copy(b, c.answers[0]) // a short buffer truncates, as for a datagram
			c.answers = c.answers[1:]
			c.mu.Unlock()
			return n, nil
		}
		deadline := c.deadline
		c.mu.Unlock()

		if !c.wait(deadline) {
			return 0, c.opErr("read", os.ErrDeadlineExceeded)
		}
	}
}

// wait blocks until an answer may be there or the conn closed (true), or
// until deadline passes (false).
func (c *dnsConn) wait(deadline time.Time) bool {
	var expired <-chan time.Time
	if !deadline.IsZero() {
		d := time.Until(deadline)
		if d <= 0 {
			return false
		}
		t := time.NewTimer(d)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-c.ready:
	case <-c.closed:
	case <-expired:
		return false
	}
	return true
}

func (c *dnsConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isClosed {
		return c.opErr("close", net.ErrClosed)
	}
	c.isClosed = true
	close(c.closed)
	return nil
}

func (c *dnsConn) LocalAddr() net.Addr  { return dnsServerAddr{} }
func (c *dnsConn) RemoteAddr() net.Addr { return dnsServerAddr{} }

func (c *dnsConn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }

// SetReadDeadline applies to a Read already waiting only when it next
// wakes; the resolver sets its deadline before it writes, so that is moot.
func (c *dnsConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return nil
}

func (c *dnsConn) SetWriteDeadline(time.Time) error { return nil }

// dnsServerAddr names the in-guest DNS server in addresses and errors.
type dnsServerAddr struct{}

func (dnsServerAddr) Network() string { return "wasinet" }
func (dnsServerAddr) String() string  { return "host-resolver" }

var _ io.ReadWriteCloser = (*dnsConn)(nil)
