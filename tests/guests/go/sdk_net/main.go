// sdk_net: the Go SDK (wasinet.dev/wasinet) against native peers on the
// host, without autohijack (sdk_http is the guest with it). Every mode
// talks to a real host socket: Go's own net package on wasip1 is an
// in-process fake.
//
//	sdk_net client NET ADDR SIZE     dial ADDR, then the transfer of stream.go
//	sdk_net server NET ADDR SIZE     listen, print "listening A", accept one
//	                                 conn, the same transfer
//	sdk_net udpserver NET ADDR N     echo N datagrams (packet.go)
//	sdk_net udpdial NET ADDR N       N datagrams on a connected socket
//	sdk_net udpsendto NET ADDR N     N datagrams on an unconnected socket
//	sdk_net refused NET ADDR         dial a closed port (errors.go)
//	sdk_net deadline NET ADDR        a 200 ms read deadline, then clear it
//	sdk_net cancel NET ADDR          dial with a cancelled / expired context
//	sdk_net cancelinflight NET ADDR  cancel / time out a connect under way
//	sdk_net dialer NET ADDR LOCALIP  a Dialer with options (extras.go)
//	sdk_net unixgram LOCAL REMOTE N  N unix datagrams to REMOTE and back
//	sdk_net lookuphost NAME          wasinet.LookupHost (dns.go)
//	sdk_net lookupip NET NAME        wasinet.LookupIP
//	sdk_net lookupport NET SERVICE   wasinet.LookupPort
//	sdk_net goresolver NAME          net.DefaultResolver, NOT hijacked here
//	sdk_net fds ADDR N               open and close sockets on command (fds.go)
package main

import guestlib "wasinet.test/guests/sdk_guestlib"

const usage = "sdk_net client|server NET ADDR SIZE | udpserver|udpdial|udpsendto NET ADDR N | " +
	"refused|deadline|cancel|cancelinflight NET ADDR | dialer NET ADDR LOCALIP | " +
	"unixgram LOCAL REMOTE N | lookuphost NAME | lookupip NET NAME | lookupport NET SERVICE | " +
	"goresolver NAME | fds ADDR N"

func main() {
	n := guestlib.Atoi
	guestlib.Main(usage, map[string]guestlib.Mode{
		"client":         {Args: 3, Run: func(a []string) { client(a[0], a[1], n(a[2])) }},
		"server":         {Args: 3, Run: func(a []string) { server(a[0], a[1], n(a[2])) }},
		"udpserver":      {Args: 3, Run: func(a []string) { udpServer(a[0], a[1], n(a[2])) }},
		"udpdial":        {Args: 3, Run: func(a []string) { udpDial(a[0], a[1], n(a[2])) }},
		"udpsendto":      {Args: 3, Run: func(a []string) { udpSendTo(a[0], a[1], n(a[2])) }},
		"refused":        {Args: 2, Run: func(a []string) { refused(a[0], a[1]) }},
		"deadline":       {Args: 2, Run: func(a []string) { deadline(a[0], a[1]) }},
		"cancel":         {Args: 2, Run: func(a []string) { cancel(a[0], a[1]) }},
		"cancelinflight": {Args: 2, Run: func(a []string) { cancelInFlight(a[0], a[1]) }},
		"dialer":         {Args: 3, Run: func(a []string) { dialer(a[0], a[1], a[2]) }},
		"unixgram":       {Args: 3, Run: func(a []string) { unixgram(a[0], a[1], n(a[2])) }},
		"lookuphost":     {Args: 1, Run: func(a []string) { lookupHost(a[0]) }},
		"lookupip":       {Args: 2, Run: func(a []string) { lookupIP(a[0], a[1]) }},
		"lookupport":     {Args: 2, Run: func(a []string) { lookupPort(a[0], a[1]) }},
		"goresolver":     {Args: 1, Run: func(a []string) { goResolver(a[0]) }},
		"fds":            {Args: 2, Run: func(a []string) { fds(a[0], n(a[1])) }},
	})
}
