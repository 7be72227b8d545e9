// fault_net: the Go SDK's stream sockets when things go wrong, one
// scenario per run, driven by tests/e2e/faults*_test.go (which play the
// native peer and decide when it misbehaves). Output lines are the
// protocol with that test; anything unexpected is one line on stderr and
// exit 1.
//
//	fault_net resetread NET ADDR          dial, read 64 KiB, print "got 65536",
//	                                      block in the next read until the peer
//	                                      resets: "resetread ..." classifies it
//	fault_net resetwrite NET ADDR         dial, print "writing", write until the
//	                                      peer resets: "resetwrite ..."
//	fault_net halfclose NET ADDR          two conns: the peer half-closes first,
//	                                      then the guest does (halfclose.go)
//	fault_net flood NET ADDR BYTES        dial, write BYTES of the pattern,
//	                                      close: the peer decides the pace
//	fault_net slowread NET ADDR BYTES MS  dial, read BYTES of the pattern, slowly
//	                                      (a 16 KiB read every 20 ms) for the
//	                                      first MS milliseconds, then at full
//	                                      speed; check every byte
//	fault_net hold ADDR UNIXPATH FD       open one socket of every kind and wait
//	                                      in them until stopped (hold.go)
package main

import "wasinet.test/guests/internal/guestkit"

const usage = "fault_net resetread|resetwrite|halfclose NET ADDR | flood NET ADDR BYTES | " +
	"slowread NET ADDR BYTES MS | hold ADDR UNIXPATH FD"

func main() {
	n := guestkit.Atoi
	guestkit.Main(usage, map[string]guestkit.Mode{
		"resetread":  {Args: 2, Run: func(a []string) { resetRead(a[0], a[1]) }},
		"resetwrite": {Args: 2, Run: func(a []string) { resetWrite(a[0], a[1]) }},
		"halfclose":  {Args: 2, Run: func(a []string) { halfClose(a[0], a[1]) }},
		"flood":      {Args: 3, Run: func(a []string) { flood(a[0], a[1], n(a[2])) }},
		"slowread":   {Args: 4, Run: func(a []string) { slowRead(a[0], a[1], n(a[2]), n(a[3])) }},
		"hold":       {Args: 3, Run: func(a []string) { hold(a[0], a[1], a[2]) }},
	})
}
