//go:build wasip1

package wasinet

import (
	"net"
	"net/http"
)

// Hijack points the standard library's defaults at the host: net's
// DefaultResolver answers through the host's resolver (as DefaultResolver
// does), and http.DefaultTransport, which http.DefaultClient and
// http.Get use, dials with a wasinet Dialer (a copy of the transport it
// replaces, so proxies from the environment, HTTP/2 and its timeouts stay
// as they were). Call it before any goroutine uses those defaults;
// importing wasinet.dev/wasinet/autohijack does it at start. Go's own
// net.Dial and net.Listen stay what they are on wasip1 (an in-process
// fake): use this package's.
func Hijack() {
	net.DefaultResolver.PreferGo = true
	net.DefaultResolver.Dial = dialHostDNS
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.DialContext = (&Dialer{}).DialContext
	http.DefaultTransport = t
	if http.DefaultClient.Transport != nil {
		http.DefaultClient.Transport = t
	}
}
