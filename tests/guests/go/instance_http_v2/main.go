// instance_http_v2: instance_http answering version=v2 (the module a
// reload swaps in; see instance_http).
package main

import "wasinet.test/guests/internal/instancehttp"

func main() { instancehttp.Serve("v2") }
