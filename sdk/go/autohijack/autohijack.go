// Package autohijack, imported for its side effect, makes the standard
// library's network defaults use wasinet when the program runs under
// wasip1: net.DefaultResolver resolves through the host, and
// http.DefaultTransport (so http.DefaultClient and http.Get) dials through
// the host's sockets.
//
//	import _ "wasinet.dev/wasinet/autohijack"
//
// It runs wasinet.Hijack from its init. Outside wasip1 it does nothing.
package autohijack

import "wasinet.dev/wasinet"

func init() { wasinet.Hijack() }
