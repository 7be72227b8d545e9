package wasinet

import (
	"context"
	"encoding/binary"
	"errors"

	"net"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeHost stands in for the host's resolver (sock_getaddrip with "ip").
type fakeHost struct {
	names map[string][]netip.Addr
	asked []string
}

func (h *fakeHost) lookup(name string) ([]netip.Addr, int) {
	h.asked = append(h.asked, name)
	switch {
	case strings.HasPrefix(name, "refused."):
		return nil, rcodeRefused
	case strings.HasPrefix(name, "broken."):
		return nil, rcodeServerFailure
	}
	if a, ok := h.names[strings.ToLower(name)]; ok {
		return a, rcodeSuccess
	}
	return nil, rcodeNameError
}

// query builds a DNS query by hand: header, one question.
func query(id uint16, name string, qtype uint16) []byte {
	q := make([]byte, 12)
	binary.BigEndian.PutUint16(q[0:], id)
	binary.BigEndian.PutUint16(q[2:], 0x0100) // RD
	binary.BigEndian.PutUint16(q[4:], 1)
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" {
			continue // the root
		}
		q = append(q, byte(len(label)))
		q = append(q, label...)
	}
	q = append(q, 0)
	q = binary.BigEndian.AppendUint16(q, qtype)
	return binary.BigEndian.AppendUint16(q, classIN)
}

func TestAnswerA(t *testing.T) {
	h := &fakeHost{names: map[string][]netip.Addr{
		"one.test": {netip.MustParseAddr("::ffff:192.0.2.1"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("192.0.2.2")},
	}}
	q := query(0xBEEF, "one.test.", typeA)
	r, ok := answerDNS(q, udpAnswerMax, h.lookup)
	if !ok {
		t.Fatal("no answer")
	}
	if id := binary.BigEndian.Uint16(r); id != 0xBEEF {
		t.Errorf("id %#x", id)
	}
	flags := binary.BigEndian.Uint16(r[2:])
	if flags&0x8000 == 0 || flags&0x0080 == 0 || flags&0x0100 == 0 || flags&0xF != 0 {
		t.Errorf("flags %#04x: want QR, RD echoed, RA, NOERROR", flags)
	}
	if an := binary.BigEndian.Uint16(r[6:]); an != 2 {
		t.Fatalf("%d answers, want the 2 IPv4 ones", an)
	}
	if !reflect.DeepEqual(h.asked, []string{"one.test"}) {
		t.Errorf("host asked for %q", h.asked)
	}
	// Question echoed byte for byte, then records pointing at it.
	qlen := len(q) - 12
	if string(r[12:12+qlen]) != string(q[12:]) {
		t.Error("question not echoed")
	}
	rr := r[12+qlen:]
	if binary.BigEndian.Uint16(rr) != 0xC00C || binary.BigEndian.Uint16(rr[2:]) != typeA ||
		binary.BigEndian.Uint16(rr[10:]) != 4 || string(rr[12:16]) != "\xc0\x00\x02\x01" {
		t.Errorf("first record % x", rr[:16])
	}
}

func TestAnswerRcodes(t *testing.T) {
	h := &fakeHost{names: map[string][]netip.Addr{"v4only.test": {netip.MustParseAddr("192.0.2.9")}}}
	for _, tc := range []struct {
		q     []byte
		rcode uint16
		an    uint16
	}{
		{query(1, "missing.test", typeA), rcodeNameError, 0},
		{query(2, "v4only.test", typeAAAA), rcodeSuccess, 0}, // NODATA, not NXDOMAIN
		{query(3, "refused.test", typeA), rcodeRefused, 0},
		{query(4, "broken.test", typeAAAA), rcodeServerFailure, 0},
		{query(5, "v4only.test", 15 /* MX */), rcodeNotImplemented, 0},
		{query(6, ".", typeA), rcodeNameError, 0},
	} {
		r, ok := answerDNS(tc.q, udpAnswerMax, h.lookup)
		if !ok {
			t.Fatalf("query %d: no answer", binary.BigEndian.Uint16(tc.q))
		}
		if rc := binary.BigEndian.Uint16(r[2:]) & 0xF; rc != tc.rcode {
			t.Errorf("query %d: rcode %d, want %d", binary.BigEndian.Uint16(tc.q), rc, tc.rcode)
		}
		if an := binary.BigEndian.Uint16(r[6:]); an != tc.an {
			t.Errorf("query %d: %d answers", binary.BigEndian.Uint16(tc.q), an)
		}
	}
}

func TestAnswerMalformed(t *testing.T) {
	h := &fakeHost{}
	if _, ok := answerDNS([]byte{1, 2, 3}, udpAnswerMax, h.lookup); ok {
		t.Error("3-byte message answered")
	}
	resp := query(7, "a.test", typeA)
	resp[2] |= 0x80
	if _, ok := answerDNS(resp, udpAnswerMax, h.lookup); ok {
		t.Error("a response was answered")
	}
	for name, msg := range map[string][]byte{
		"label past the end":  append(query(8, "a.test", typeA)[:12], 9, 'a'),
		"pointer in question": append(query(9, "a.test", typeA)[:12], 0xC0, 0x0C, 0, 1, 0, 1),
		"no type":             query(10, "a.test", typeA)[:12+8],
	} {
		r, ok := answerDNS(msg, udpAnswerMax, h.lookup)
		if !ok || binary.BigEndian.Uint16(r[2:])&0xF != rcodeFormatError {
			t.Errorf("%s: want FORMERR, got ok=%v % x", name, ok, r)
		}
	}
	if len(h.asked) != 0 {
		t.Errorf("malformed queries reached the host: %q", h.asked)
	}
}

func TestAnswerTruncatesToWholeRecords(t *testing.T) {
	var many []netip.Addr
	for i := 0; i < 40; i++ {
		many = append(many, netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)}))
	}
	h := &fakeHost{names: map[string][]netip.Addr{"many.test": many}}
	r, _ := answerDNS(query(1, "many.test", typeAAAA), udpAnswerMax, h.lookup)
	an := int(binary.BigEndian.Uint16(r[6:]))
	if len(r) > udpAnswerMax || r[2]&0x02 == 0 || an == 0 || an >= 40 {
		t.Errorf("len %d, TC %v, %d answers: want <= 512 bytes, TC, some answers", len(r), r[2]&0x02 != 0, an)
	}
	r, _ = answerDNS(query(1, "many.test", typeAAAA), streamAnswerMax, h.lookup)
	if an := binary.BigEndian.Uint16(r[6:]); an != 40 || r[2]&0x02 != 0 {
		t.Errorf("stream answer: %d answers, TC %v", an, r[2]&0x02 != 0)
	}
}

// Go's own resolver, given dnsConn as its server, must find what the
// host knows: this is the path autohijack puts net.DefaultResolver on.
func hostResolver(h *fakeHost) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		return newDNSConn(network, h.lookup), nil
	}}
}

func TestGoResolverThroughDNSConn(t *testing.T) {
	h := &fakeHost{names: map[string][]netip.Addr{
		"dual.wasinet.test": {netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")},
	}}
	r := hostResolver(h)
	ctx := context.Background()
	got, err := r.LookupHost(ctx, "dual.wasinet.test")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"192.0.2.1", "2001:db8::1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("LookupHost = %q, want %q", got, want)
	}
	ips, err := r.LookupNetIP(ctx, "ip4", "dual.wasinet.test")
	if err != nil || len(ips) != 1 || ips[0] != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("LookupNetIP ip4 = %v, %v", ips, err)
	}

	_, err = r.LookupHost(ctx, "missing.wasinet.test")
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("missing name: %v, want IsNotFound", err)
	}
	_, err = r.LookupHost(ctx, "refused.wasinet.test")
	if err == nil || errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		t.Errorf("refused name: %v, want an error that is not 'not found'", err)
	}
}

func TestGoResolverFallsBackToStreamOnTruncation(t *testing.T) {
	var many []netip.Addr
	for i := 0; i < 40; i++ {
		many = append(many, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}))
	}
	h := &fakeHost{names: map[string][]netip.Addr{"many.wasinet.test": many}}
	got, err := hostResolver(h).LookupNetIP(context.Background(), "ip4", "many.wasinet.test")
	if err != nil || len(got) != 40 {
		t.Fatalf("got %d addresses (%v), want all 40 (over the stream conn)", len(got), err)
	}
}

func TestDNSConnReadDeadline(t *testing.T) {
	c := newDNSConn("udp", (&fakeHost{}).lookup)
	defer c.Close()
	if err := c.SetReadDeadline(timeNowPlus(30)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Read(make([]byte, 512))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("read with nothing written: %v, want a timeout", err)
	}
}

func TestDNSConnStreamSplitWrites(t *testing.T) {
	h := &fakeHost{names: map[string][]netip.Addr{"s.test": {netip.MustParseAddr("192.0.2.3")}}}
	c := newDNSConn("tcp", h.lookup)
	defer c.Close()
	q := query(42, "s.test", typeA)
	framed := binary.BigEndian.AppendUint16(nil, uint16(len(q)))
	framed = append(framed, q...)
	for _, part := range [][]byte{framed[:1], framed[1:5], framed[5:]} { // the prefix split too
		if _, err := c.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, 2)
	if _, err := c.Read(buf); err != nil {
		t.Fatal(err)
	}
	n := int(binary.BigEndian.Uint16(buf))
	reply := make([]byte, n)
	if got, err := c.Read(reply); err != nil || got != n {
		t.Fatalf("read %d of %d: %v", got, n, err)
	}
	if binary.BigEndian.Uint16(reply) != 42 || binary.BigEndian.Uint16(reply[6:]) != 1 {
		t.Errorf("reply % x", reply)
	}
	if _, ok := c.(net.PacketConn); ok {
		t.Error("a tcp dnsConn is a PacketConn: the resolver would not frame its queries")
	}
	if _, ok := newDNSConn("udp", h.lookup).(net.PacketConn); !ok {
		t.Error("a udp dnsConn is not a PacketConn")
	}

}

func timeNowPlus(ms int) time.Time { return time.Now().Add(time.Duration(ms) * time.Millisecond) }
