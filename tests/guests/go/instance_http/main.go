// instance_http: an ordinary Go HTTP server on the host's first --listen
// socket that says which instance answered (internal/instancehttp);
// version v1. instance_http_v2 is the same server, version v2: the module
// a reload swaps in.
package main

import "wasinet.test/guests/internal/instancehttp"

func main() { instancehttp.Serve("v1") }
