package echo

import "wasinet.test/guests/internal/guestkit"

// The v0 guests' command line (see guestkit).
type Mode = guestkit.Mode

var (
	Main = guestkit.Main
	Fail = guestkit.Fail
	Atoi = guestkit.Atoi
	// Pattern and Sum: the payload of sized transfers and its checksum.
	Pattern = guestkit.Pattern
	Sum     = guestkit.Sum
)
