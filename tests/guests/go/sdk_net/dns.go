package main

// Names through the SDK's lookup functions (the host's resolver), and,
// for contrast, through net.DefaultResolver, which this guest does NOT
// hijack: on wasip1 that resolver reads the guest's /etc files and sends
// DNS queries over Go's in-process fake network, which reach nobody.

import (
	"context"
	"fmt"
	"net"
	"time"

	"wasinet.dev/wasinet"
	guestlib "wasinet.test/guests/sdk_guestlib"
)

func lookupCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 20*time.Second)
}

func lookupHost(name string) {
	ctx, cancel := lookupCtx()
	defer cancel()
	addrs, err := wasinet.LookupHost(ctx, name)
	guestlib.PrintLookup("addrs", addrs, err)
}

func lookupIP(network, name string) {
	ctx, cancel := lookupCtx()
	defer cancel()
	ips, err := wasinet.LookupIP(ctx, network, name)
	var s []string
	for _, ip := range ips {
		s = append(s, ip.String())
	}
	guestlib.PrintLookup("ips", s, err)
}

func lookupPort(network, service string) {
	ctx, cancel := lookupCtx()
	defer cancel()
	port, err := wasinet.LookupPort(ctx, network, service)
	guestlib.PrintLookup("port", []string{fmt.Sprint(port)}, err)
}

func goResolver(name string) {
	ctx, cancel := lookupCtx()
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, name)
	guestlib.PrintLookup("addrs", addrs, err)
}
