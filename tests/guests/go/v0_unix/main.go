// v0_unix: unix sockets through wasinet_v0 as programs built with the
// existing Go guest library do it (package internal/v0guest). Paths are
// guest paths, resolved by the host through the preopened directories.
//
//	v0_unix server PATH N          listen on PATH, print "listening P", echo N
//	                               connections concurrently ("accepted
//	                               local=L", "done bytes=B")
//	v0_unix client PATH SIZE       dial, print "remote=R", one Write of SIZE
//	                               pattern bytes, read the echo and EOF,
//	                               print "ok SIZE SHA256"
//	v0_unix dgram-server PATH COUNT  bind PATH, print "listening P", then per
//	                               datagram "from SRC n=N" and send it back
//	v0_unix dgram-client PATH SERVER  bind PATH, send "ping from the guest"
//	                               to SERVER, print "reply from SRC TEXT"
package main

import (
	"fmt"
	"net"

	"wasinet.test/guests/internal/v0guest/echo"
)

const usage = "v0_unix server PATH N | client PATH SIZE | dgram-server PATH COUNT | dgram-client PATH SERVER"

func main() {
	echo.Main(usage, map[string]echo.Mode{
		"server":       {Args: 2, Run: func(a []string) { echo.Server("unix", a[0], echo.Atoi(a[1])) }},
		"client":       {Args: 2, Run: func(a []string) { client(a[0], echo.Atoi(a[1])) }},
		"dgram-server": {Args: 2, Run: func(a []string) { echo.PacketServer("unixgram", a[0], echo.Atoi(a[1])) }},
		"dgram-client": {Args: 2, Run: func(a []string) { dgramClient(a[0], a[1]) }},
	})
}

func client(path string, size int) {
	c := echo.Dial("unix", path)
	fmt.Printf("remote=%s\n", c.RemoteAddr())
	echo.Client(c, size)
}

func dgramClient(path, server string) {
	pc := echo.ListenPacket("unixgram", path)
	echo.Ping(pc, &net.UnixAddr{Name: server, Net: "unixgram"})
}
