package wasinet

import (
	"net/netip"
	"strconv"
	"testing"
	"time"
)

func TestRecentLookupsReuseWithinKeepOnly(t *testing.T) {
	calls := 0
	clock := time.Unix(1000, 0)
	r := newRecentLookups(time.Second, func(name string) ([]netip.Addr, int) {
		calls++
		return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, rcodeSuccess
	})
	r.now = func() time.Time { return clock }
	r.get("a.test")
	r.get("a.test") // the AAAA query right after the A query
	if calls != 1 {
		t.Fatalf("%d host lookups for two queries within a second, want 1", calls)
	}
	clock = clock.Add(time.Second)
	r.get("a.test")
	if calls != 2 {
		t.Fatalf("%d host lookups after the answer expired, want 2", calls)
	}
	r.get("b.test")
	if calls != 3 {
		t.Fatalf("another name was answered from a.test's entry")
	}
}

func TestRecentLookupsBounded(t *testing.T) {
	r := newRecentLookups(time.Hour, func(string) ([]netip.Addr, int) { return nil, rcodeNameError })
	for i := 0; i < 3*recentMax; i++ {
		r.get("n" + strconv.Itoa(i) + ".test")
	}
	if len(r.entries) > recentMax {
		t.Errorf("%d entries kept, want at most %d", len(r.entries), recentMax)
	}
}
