//go:build tools

// Package tools keeps gRPC's examples module in go.mod: the tests build its
// helloworld greeter_server and greeter_client, unchanged, from it.
package tools

import _ "google.golang.org/grpc/examples/helloworld/helloworld"
