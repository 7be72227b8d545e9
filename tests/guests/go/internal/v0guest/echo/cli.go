package echo

import (
	"fmt"
	"os"
)

// Mode is one sub-command of a guest: how many arguments follow its name
// and what runs with them.
type Mode struct {
	Args int
	Run  func(args []string)
}

// Main runs the mode os.Args[1] names with the arguments after it, failing
// with usage when the mode is missing or unknown or its argument count is
// not exactly Args.
func Main(usage string, modes map[string]Mode) {
	if len(os.Args) < 2 {
		Fail("usage: %s", usage)
	}
	m, ok := modes[os.Args[1]]
	if !ok || len(os.Args)-2 != m.Args {
		Fail("usage: %s", usage)
	}
	m.Run(os.Args[2:])
}

// Fail prints a one-line error and exits 1.
func Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// Atoi parses a number argument or fails.
func Atoi(s string) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		Fail("not a number: %q", s)
	}
	return n
}
