package wasinet

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// The byte layouts below are docs/wasinet_v0.md's RawSocketAddress.

func TestEncodeInetLayout(t *testing.T) {
	a, err := encodeIP(linuxFamilies, linuxFamilies.inet, netip.MustParseAddrPort("127.0.0.1:8080"))
	if err != nil {
		t.Fatal(err)
	}
	if f := binary.LittleEndian.Uint16(a[0:]); f != 2 {
		t.Errorf("family at 0 = %d, want 2", f)
	}
	if f := binary.LittleEndian.Uint16(a[4:]); f != 2 {
		t.Errorf("family copy at 4 = %d, want 2", f)
	}
	if p := binary.LittleEndian.Uint32(a[8:]); p != 8080 {
		t.Errorf("port = %d, want 8080 (little-endian u32, not network order)", p)
	}
	if got := a[12:16]; string(got) != "\x7f\x00\x00\x01" {
		t.Errorf("address bytes = %v", got)
	}
}

func TestEncodeInet6LayoutWithScope(t *testing.T) {
	a, err := encodeIP(linuxFamilies, linuxFamilies.inet6, netip.MustParseAddrPort("[fe80::1%7]:53"))
	if err != nil {
		t.Fatal(err)
	}
	if f := binary.LittleEndian.Uint16(a[0:]); f != 10 {
		t.Errorf("family = %d, want 10", f)
	}
	if p := binary.LittleEndian.Uint32(a[8:]); p != 53 {
		t.Errorf("port = %d", p)
	}
	if got, want := netip.AddrFrom16([16]byte(a[12:28])), netip.MustParseAddr("fe80::1"); got != want {
		t.Errorf("address = %v, want %v", got, want)
	}
	if z := binary.LittleEndian.Uint32(a[28:]); z != 7 {
		t.Errorf("scope = %d, want 7", z)
	}
}

func TestEncodeIPv4OnInet6SocketIsMapped(t *testing.T) {
	a, err := encodeIP(linuxFamilies, linuxFamilies.inet6, netip.MustParseAddrPort("10.1.2.3:9"))
	if err != nil {
		t.Fatal(err)
	}
	if f := binary.LittleEndian.Uint16(a[0:]); f != 10 {
		t.Errorf("family = %d, want inet6 (10)", f)
	}
	if got := netip.AddrFrom16([16]byte(a[12:28])); got != netip.MustParseAddr("::ffff:10.1.2.3") {
		t.Errorf("address = %v, want ::ffff:10.1.2.3", got)
	}
}

func TestEncodeRefusals(t *testing.T) {
	if _, err := encodeIP(linuxFamilies, linuxFamilies.inet, netip.MustParseAddrPort("[::1]:1")); err == nil {
		t.Error("IPv6 address on an inet socket: no error")
	}
	if _, err := encodeIP(linuxFamilies, linuxFamilies.inet6, netip.MustParseAddrPort("[fe80::1%eth0]:1")); err == nil {
		t.Error("named zone: no error (wasip1 cannot look interface names up)")
	}
	if _, err := encodeUnix(linuxFamilies, strings.Repeat("a", unixPathMax+1)); err == nil {
		t.Error("123-byte unix path: no error")
	}
	if _, err := encodeUnix(linuxFamilies, ""); err == nil {
		t.Error("empty unix path: no error")
	}
}

func TestUnixRoundTrip(t *testing.T) {
	long := "/" + strings.Repeat("p", unixPathMax-1) // exactly 122 bytes: no NUL fits
	for _, path := range []string{"/run/app.sock", "rel.sock", long} {
		a, err := encodeUnix(linuxFamilies, path)
		if err != nil {
			t.Fatalf("%q: %v", path, err)
		}
		s, err := a.decode(linuxFamilies)
		if err != nil || s.kind != kindUnix || s.path != path {
			t.Errorf("%q decoded as %+v, %v", path, s, err)
		}
	}
}

func TestDecodeUnnamedUnix(t *testing.T) {
	var a rawAddr
	a.setHeader(linuxFamilies.unix)
	copy(a[8:], "@")
	s, err := a.decode(linuxFamilies)
	if err != nil || s.path != "@" {
		t.Errorf("\"@\" decoded as %+v, %v", s, err)
	}
	// Package net on Linux names an unnamed unix socket "@" too.
	if got := s.netAddr("unix").String(); got != "@" {
		t.Errorf("unnamed unix address prints %q", got)
	}
}

func TestIPRoundTripAndNetAddrTypes(t *testing.T) {
	for _, tc := range []struct {
		sock uint16
		ap   string
	}{
		{linuxFamilies.inet, "192.0.2.1:65535"},
		{linuxFamilies.inet6, "[2001:db8::5]:443"},
		{linuxFamilies.inet6, "[fe80::2%3]:80"},
	} {
		ap := netip.MustParseAddrPort(tc.ap)
		a, err := encodeIP(linuxFamilies, tc.sock, ap)
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.decode(linuxFamilies)
		if err != nil || s.ap != ap {
			t.Errorf("%s decoded as %v, %v", tc.ap, s.ap, err)
		}
		if _, ok := s.netAddr("tcp6").(*net.TCPAddr); !ok {
			t.Errorf("tcp6 address is %T", s.netAddr("tcp6"))
		}
		if u, ok := s.netAddr("udp").(*net.UDPAddr); !ok || u.AddrPort() != ap {
			t.Errorf("udp address is %#v", s.netAddr("udp"))
		}
	}
}

func TestDecodeUnknownFamily(t *testing.T) {
	var a rawAddr
	a.setHeader(99)
	if _, err := a.decode(linuxFamilies); err == nil {
		t.Error("family 99: no error")
	}
}
