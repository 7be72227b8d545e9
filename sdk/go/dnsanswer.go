package wasinet

import (
	"encoding/binary"
	"net/netip"
)

// DNS wire-format numbers (RFC 1035, RFC 3596).
const (
	rcodeSuccess        = 0
	rcodeFormatError    = 1
	rcodeServerFailure  = 2
	rcodeNameError      = 3 // NXDOMAIN
	rcodeNotImplemented = 4
	rcodeRefused        = 5

	typeA    = 1
	typeAAAA = 28
	classIN  = 1

	dnsHeaderLen = 12
	// udpAnswerMax is the classic DNS-over-UDP size; a longer answer is cut
	// to whole records and flagged truncated, and the resolver asks again
	// over its stream conn, which takes up to 64 KiB.
	udpAnswerMax    = 512
	streamAnswerMax = 65535
)

// hostLookup resolves a name (no trailing dot) to all its addresses, or
// says why not as a DNS rcode.
type hostLookup func(name string) ([]netip.Addr, int)

// answerDNS builds the reply to one DNS query message, as a recursive
// server would: A and AAAA questions are answered from lookup (the host's
// resolver); a name lookup says does not exist is NXDOMAIN; a name with
// addresses of the other family only gets an empty NOERROR answer
// (NODATA), so the resolver's parallel A and AAAA queries agree about
// whether the name exists. Other question types are NOTIMP (wasinet_v0
// resolves addresses only). ok is false when msg is not a query worth an
// answer (too short to carry an ID, or itself a response).
func answerDNS(msg []byte, max int, lookup hostLookup) (reply []byte, ok bool) {
	if len(msg) < dnsHeaderLen {
		return nil, false
	}
	id := binary.BigEndian.Uint16(msg[0:])
	flags := binary.BigEndian.Uint16(msg[2:])
	if flags&0x8000 != 0 {
		return nil, false
	}
	opcode := (flags >> 11) & 0xF
	rd := flags & 0x0100
	question, qtype, qclass, qok := parseQuestion(msg)
	header := func(rcode int, answers int) []byte {
		h := make([]byte, dnsHeaderLen, dnsHeaderLen+len(question)+answers*28)
		binary.BigEndian.PutUint16(h[0:], id)
		// QR, the query's opcode and RD, RA (we are a recursive server).
		binary.BigEndian.PutUint16(h[2:], 0x8000|opcode<<11|rd|0x0080|uint16(rcode))
		if question != nil {
			binary.BigEndian.PutUint16(h[4:], 1)
		}
		binary.BigEndian.PutUint16(h[6:], uint16(answers))
		return append(h, question...)
	}
	switch {
	case opcode != 0:
		return header(rcodeNotImplemented, 0), true
	case !qok:
		question = nil
		return header(rcodeFormatError, 0), true
	case qclass != classIN || (qtype != typeA && qtype != typeAAAA):
		return header(rcodeNotImplemented, 0), true
	}
	name := questionName(question)
	if name == "" {
		return header(rcodeNameError, 0), true
	}
	addrs, rcode := lookup(name)
	if rcode != rcodeSuccess {
		return header(rcode, 0), true
	}
	var rdata [][]byte
	for _, a := range addrs {
		a = a.Unmap()
		switch {
		case qtype == typeA && a.Is4():
			b := a.As4()
			rdata = append(rdata, b[:])
		case qtype == typeAAAA && a.Is6():
			b := a.As16()
			rdata = append(rdata, b[:])
		}
	}
	rrLen := 12 + 4
	if qtype == typeAAAA {
		rrLen = 12 + 16
	}
	fit := len(rdata)
	truncated := false
	if room := (max - dnsHeaderLen - len(question)) / rrLen; fit > room {
		fit, truncated = room, true
	}
	reply = header(rcodeSuccess, fit)
	if truncated {
		reply[2] |= 0x02 // TC
	}
	for _, rd := range rdata[:fit] {
		var rr [12]byte
		binary.BigEndian.PutUint16(rr[0:], 0xC000|dnsHeaderLen) // the question's name
		binary.BigEndian.PutUint16(rr[2:], qtype)
		binary.BigEndian.PutUint16(rr[4:], classIN)
		binary.BigEndian.PutUint32(rr[6:], 0) // TTL 0: the host's answer is not ours to cache
		binary.BigEndian.PutUint16(rr[10:], uint16(len(rd)))
		reply = append(append(reply, rr[:]...), rd...)
	}
	return reply, true
}

// parseQuestion finds the one question of msg (bytes 12.. up to its end)
// and its type and class. Queries carry no compression pointers in their
// question; anything else, or a count other than one, is malformed.
func parseQuestion(msg []byte) (question []byte, qtype, qclass uint16, ok bool) {
	if binary.BigEndian.Uint16(msg[4:]) != 1 {
		return nil, 0, 0, false
	}
	i := dnsHeaderLen
	for {
		if i >= len(msg) {
			return nil, 0, 0, false
		}
		l := int(msg[i])
		if l == 0 {
			i++
			break
		}
		if l > 63 || i+1+l > len(msg) || i+1+l-dnsHeaderLen > 255 {
			return nil, 0, 0, false
		}
		i += 1 + l
	}
	if i+4 > len(msg) {
		return nil, 0, 0, false
	}
	qtype = binary.BigEndian.Uint16(msg[i:])
	qclass = binary.BigEndian.Uint16(msg[i+2:])
	return msg[dnsHeaderLen : i+4], qtype, qclass, true
}

// questionName spells a question's name as dotted text without the final
// dot ("" for the root). Labels are taken byte for byte; the host's
// resolver judges whether they make a valid name.
func questionName(question []byte) string {
	var name []byte
	for i := 0; question[i] != 0; i += 1 + int(question[i]) {
		if len(name) > 0 {
			name = append(name, '.')
		}
		name = append(name, question[i+1:i+1+int(question[i])]...)
	}
	return string(name)
}
