package e2e

// Helpers for the C SDK's tests (sdk/c): its examples, built by CMake to
// $EXAMPLES/c/NAME.wasm, and its test guest, built to $GUESTS/c/NAME.wasm
// (sdk/c/tests/csdk_*.c).

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"
)

// csdkExample returns the path of a built C example.
func csdkExample(t *testing.T, name string) string {
	t.Helper()
	if !langs["c"] {
		t.Skip("C guests were not built (see the configure warnings)")
	}
	dir := os.Getenv("EXAMPLES")
	if dir == "" {
		// The build folder's examples/, beside its guests/.
		dir = filepath.Join(filepath.Dir(guestsDir), "examples")
	}
	p := filepath.Join(dir, "c", name+".wasm")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("C example %s not built (see the configure warnings about the C SDK): %v", name, err)
	}
	return p
}

// csdkNet is the C SDK's test guest (sdk/c/tests/csdk_net.c).
func csdkNet(t *testing.T) string {
	t.Helper()
	return guest(t, "c", "csdk_net")
}

// csdkResolve is the C SDK's test guest for name lookups
// (sdk/c/tests/csdk_resolve.c).
func csdkResolve(t *testing.T) string {
	t.Helper()
	return guest(t, "c", "csdk_resolve")
}

// fnv1a64 is the checksum the C examples print.
func fnv1a64(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return fmt.Sprintf("%016x", h.Sum64())
}
