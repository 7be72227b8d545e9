// Package guestlib holds what the sdk_* guests share: mode dispatch, the
// payload both sides agree on, and one way to fail. The guests' stdout
// lines are what tests/e2e/sdk_*_test.go read.
package guestlib

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"wasinet.test/guests/internal/guestkit"
)

// The sdk_* guests' command line (see guestkit).
type Mode = guestkit.Mode

var (
	Main = guestkit.Main
	Fail = guestkit.Fail
	Atoi = guestkit.Atoi
	// Pattern and Sum: the payload of sized transfers and its checksum.
	Pattern = guestkit.Pattern
	Sum     = guestkit.Sum
)

// PrintLookup prints "KIND a b c", or for an error its classification:
// "error dnserror=B notfound=B: MSG".
func PrintLookup(kind string, results []string, err error) {
	if err != nil {
		var de *net.DNSError
		isDNS := errors.As(err, &de)
		fmt.Printf("error dnserror=%t notfound=%t: %v\n", isDNS, isDNS && de.IsNotFound, err)
		return
	}
	fmt.Printf("%s %s\n", kind, strings.Join(results, " "))
}
