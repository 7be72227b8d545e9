package wasinet

import (
	"net/netip"
	"sync"
	"time"
)

// recentLookups remembers the host's answers for a moment. Go's resolver
// asks for A and AAAA separately (and asks again after a failure), while
// one sock_getaddrip("ip", name) already answers both: without this each
// net.LookupHost would cost the host two to four getaddrinfo calls, and
// log as many policy decisions. An answer is reused only within `keep`.
type recentLookups struct {
	mu      sync.Mutex
	keep    time.Duration
	now     func() time.Time
	lookup  hostLookup
	entries map[string]recentAnswer
}

type recentAnswer struct {
	addrs   []netip.Addr
	rcode   int
	expires time.Time
}

const recentMax = 64 // names remembered at most; older ones are dropped first when full

func newRecentLookups(keep time.Duration, lookup hostLookup) *recentLookups {
	return &recentLookups{keep: keep, now: time.Now, lookup: lookup, entries: map[string]recentAnswer{}}
}

// get answers name from a recent host answer, or asks the host.
func (r *recentLookups) get(name string) ([]netip.Addr, int) {
	now := r.now()
	r.mu.Lock()
	if e, ok := r.entries[name]; ok && now.Before(e.expires) {
		r.mu.Unlock()
		return e.addrs, e.rcode
	}
	r.mu.Unlock()

	addrs, rcode := r.lookup(name)

	r.mu.Lock()
	defer r.mu.Unlock()
	for n, e := range r.entries {
		if !now.Before(e.expires) {
			delete(r.entries, n)
		}
	}
	if len(r.entries) >= recentMax {
		var oldest string
		for n, e := range r.entries {
			if oldest == "" || e.expires.Before(r.entries[oldest].expires) {
				oldest = n
			}
		}
		delete(r.entries, oldest)
	}
	r.entries[name] = recentAnswer{addrs: addrs, rcode: rcode, expires: now.Add(r.keep)}
	return addrs, rcode
}
