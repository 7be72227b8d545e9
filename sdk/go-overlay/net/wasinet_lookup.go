// wasinet overlay for package net: where name lookups go. By default to
// the host (wasinet_v0 sock_getaddrip / sock_getaddrport): the host's
// resolver answers and its network policy sees, allows and pins every
// name, and no DNS packet leaves the guest. Go's own DNS client
// (dnsclient_unix.go), which would send DNS packets from the guest, is
// used only when the program asks for it: a Resolver with PreferGo or its
// own Dial, or GODEBUG=netdns=go (or the netgo build tag).

//go:build wasip1

package net

import "context"

// wasinetGoDNS says whether r's lookups go to Go's DNS client.
func (r *Resolver) wasinetGoDNS() bool {
	return r.preferGo() || (r != nil && r.Dial != nil) || systemConf().netGo
}

func (r *Resolver) lookupHost(ctx context.Context, host string) ([]string, error) {
	if r.wasinetGoDNS() {
		order, conf := systemConf().hostLookupOrder(r, host)
		return r.goLookupHostOrder(ctx, host, order, conf)
	}
	addrs, err := wasinetLookupIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out, nil
}

func (r *Resolver) lookupIP(ctx context.Context, network, host string) ([]IPAddr, error) {
	if r.wasinetGoDNS() {
		order, conf := systemConf().hostLookupOrder(r, host)
		addrs, _, err := r.goLookupIPCNAMEOrder(ctx, network, host, order, conf)
		return addrs, err
	}
	return wasinetLookupIP(ctx, network, host)
}

func (r *Resolver) lookupPort(ctx context.Context, network, service string) (int, error) {
	if !r.wasinetGoDNS() {
		if port, err := wasinetLookupPort(network, service); err == nil {
			return port, nil
		}
	}
	// Go's table (and the guest's /etc/services, if it has one) knows the
	// common services, and words the error as elsewhere.
	return goLookupPort(network, service)
}

// lookupCNAME through the host follows no CNAME chain (wasinet_v0 only
// resolves addresses): a name that resolves is its own canonical name.
func (r *Resolver) lookupCNAME(ctx context.Context, name string) (string, error) {
	if r.wasinetGoDNS() {
		order, conf := systemConf().hostLookupOrder(r, name)
		return r.goLookupCNAME(ctx, name, order, conf)
	}
	if _, err := wasinetLookupIP(ctx, "ip", name); err != nil {
		return "", err
	}
	return absDomainName(name), nil
}

func (r *Resolver) lookupSRV(ctx context.Context, service, proto, name string) (string, []*SRV, error) {
	if r.wasinetGoDNS() {
		return r.goLookupSRV(ctx, service, proto, name)
	}
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	return "", nil, wasinetNoRecords("SRV", target)
}

func (r *Resolver) lookupMX(ctx context.Context, name string) ([]*MX, error) {
	if r.wasinetGoDNS() {
		return r.goLookupMX(ctx, name)
	}
	return nil, wasinetNoRecords("MX", name)
}

func (r *Resolver) lookupNS(ctx context.Context, name string) ([]*NS, error) {
	if r.wasinetGoDNS() {
		return r.goLookupNS(ctx, name)
	}
	return nil, wasinetNoRecords("NS", name)
}

func (r *Resolver) lookupTXT(ctx context.Context, name string) ([]string, error) {
	if r.wasinetGoDNS() {
		return r.goLookupTXT(ctx, name)
	}
	return nil, wasinetNoRecords("TXT", name)
}

// lookupAddr without Go's DNS client answers from the hosts file the
// guest sees (wasinet run shows it the host's /etc/hosts); the host has
// no reverse lookup.
func (r *Resolver) lookupAddr(ctx context.Context, addr string) ([]string, error) {
	if r.wasinetGoDNS() {
		order, conf := systemConf().addrLookupOrder(r, addr)
		return r.goLookupPTR(ctx, addr, order, conf)
	}
	if names := lookupStaticAddr(addr); len(names) > 0 {
		return names, nil
	}
	return nil, wasinetNoRecords("PTR", addr)
}

// lookupProtocol knows the protocols of Go's own table (icmp, igmp, tcp,
// udp, ipv6-icmp).
func lookupProtocol(_ context.Context, name string) (int, error) {
	return lookupProtocolMap(name)
}

// wasinetNoRecords is the error for a record type only DNS itself has.
func wasinetNoRecords(kind, name string) error {
	return &DNSError{
		Err:  "no " + kind + " lookup through the wasinet host resolver (it resolves addresses only; a Resolver with PreferGo queries DNS from the guest)",
		Name: name,
	}
}
