package wasinet

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"reflect"
	"testing"
)

func fixedLookups(ips map[string][]netip.Addr) (portLookup, ipLookup) {
	port := func(_ context.Context, network, service string) (int, error) {
		if p, ok, err := numericPort(service); ok {
			return p, err
		}
		if service == "http" {
			return 80, nil
		}
		return 0, &net.DNSError{Err: "unknown port", Name: service, IsNotFound: true}
	}
	ip := func(_ context.Context, network, host string) ([]netip.Addr, error) {
		if a, ok := ips[host]; ok {
			return a, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return port, ip
}

func TestResolveIPAddrs(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::7")
	port, ip := fixedLookups(map[string][]netip.Addr{"both.test": {v6, v4}})
	ap := netip.AddrPortFrom
	for _, tc := range []struct {
		network, address string
		listen           bool
		want             []netip.AddrPort
	}{
		{"tcp", "both.test:http", false, []netip.AddrPort{ap(v6, 80), ap(v4, 80)}},
		{"tcp4", "both.test:1", false, []netip.AddrPort{ap(v4, 1)}},
		{"udp6", "both.test:1", false, []netip.AddrPort{ap(v6, 1)}},
		{"tcp", "both.test:2", true, []netip.AddrPort{ap(v4, 2)}}, // a listener takes IPv4 first
		{"tcp", ":0", true, []netip.AddrPort{ap(netip.IPv4Unspecified(), 0)}},
		{"tcp6", ":0", true, []netip.AddrPort{ap(netip.IPv6Unspecified(), 0)}},
		{"udp", ":9", false, []netip.AddrPort{ap(netip.MustParseAddr("127.0.0.1"), 9)}},
		{"tcp6", ":9", false, []netip.AddrPort{ap(netip.IPv6Loopback(), 9)}},
		{"tcp", "[::ffff:10.0.0.1]:5", false, []netip.AddrPort{ap(netip.MustParseAddr("10.0.0.1"), 5)}},
	} {
		got, err := resolveIPAddrs(context.Background(), tc.network, tc.address, tc.listen, port, ip)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %s listen=%v: %v, %v; want %v", tc.network, tc.address, tc.listen, got, err, tc.want)
		}
	}
}

func TestResolveIPAddrsErrors(t *testing.T) {
	port, ip := fixedLookups(nil)
	ctx := context.Background()
	var dnsErr *net.DNSError
	if _, err := resolveIPAddrs(ctx, "tcp", "nowhere.test:80", false, port, ip); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("missing name: %v, want a not-found *net.DNSError", err)
	}
	if _, err := resolveIPAddrs(ctx, "tcp", "127.0.0.1:65536", false, port, ip); err == nil {
		t.Error("port 65536: no error")
	}
	if _, err := resolveIPAddrs(ctx, "tcp", "127.0.0.1", false, port, ip); err == nil {
		t.Error("no port: no error")
	}
	if _, err := resolveIPAddrs(ctx, "tcp6", "127.0.0.1:1", false, port, ip); err == nil {
		t.Error("IPv4 literal on tcp6: no error")
	}
}
