// Package shim runs containerd-shim-wasinet-v1 under a containerd of its
// own: it builds OCI images of real guests by hand, imports them with
// `ctr image import` and runs them with `ctr run --runtime <shim>
// --net-host`, as a node would.
//
// Three ctest entries (tests/CMakeLists.txt) run it:
//
//	shim_containerd  everything but TestPod*: the harness, the shim's dry
//	                 runs (what it would hand wasinet), and native containers
//	                 through the shim (a pod's pause container)
//	shim_pods        TestPod*: real guests in pods, through wasinet's C API
//	shim_containerd2 all of them under containerd 2.x (CONTAINERD, CTR),
//	                 which runs images whose module is a wasm layer; skipped
//	                 when scripts/setup.sh could not build it
//	                 (WASINET_SHIM_CONTAINERD_OPTIONAL=1)
//
// Environment (set by ctest):
//
//	SHIM        the shim binary (build/containerd-shim-wasinet-v1)
//	GUESTS      the folder holding go/NAME.wasm
//	EXAMPLES    the folder holding go/NAME.wasm of examples/go
//	CONTAINERD  the containerd binary (default: containerd on PATH)
//	CTR         its ctr (default: ctr on PATH)
//	GO          the go command, to build testdata/pause (default: go on PATH)
//	CRICTL      crictl, for the CRI test (cri_test.go)
//
// ctest runs the compiled test binary (go test -c), so that its exit
// status is ctest's: without SHIM's file it exits 77 (skipped) unless
// WASINET_SHIM_REQUIRED=1, which scripts/test.sh sets after building it.
// They need root (containerd mounts file systems and makes cgroups).
// By hand, from tests/shim:
//
//	SHIM=../../build/containerd-shim-wasinet-v1 GUESTS=../../build/guests \
//	  EXAMPLES=../../build/examples go test -count=1 -v -run TestDryRun .
package shim

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exitSkipped is ctest's SKIP_RETURN_CODE for these tests.
const exitSkipped = 77

var (
	shimBin     string
	guestsDir   string
	examplesDir string
	workDir     string // the run's temporary directory
	ctd         *containerd
	before      snapshot // what the machine had before the tests
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	flag.Parse()
	if code, ok := preconditions(); !ok {
		return code
	}
	var err error
	if workDir, err = os.MkdirTemp("", "wasinet-shim-test-"); err != nil {
		fmt.Fprintln(os.Stderr, "shim tests:", err)
		return 2
	}
	before = takeSnapshot()
	containerdBin, ctrBin := lookEnv("CONTAINERD", "containerd"), lookEnv("CTR", "ctr")
	start := time.Now()
	ctd, err = startContainerd(containerdBin, ctrBin, filepath.Join(workDir, "containerd"), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "shim tests:", err)
		return 2
	}
	_, version, _ := ctd.version()
	fmt.Printf("shim tests: containerd %s (%s) answered %v after its start\n", version, containerdBin,
		time.Since(start).Round(time.Millisecond))
	code := m.Run()
	if problems := ctd.settledLeftovers(); len(problems) > 0 {
		fmt.Fprintln(os.Stderr, "shim tests: left behind after the tests:\n  "+strings.Join(problems, "\n  "))
		code = 1
	}
	if err := ctd.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "shim tests:", err)
		code = 1
	}
	removeNamespaceDirs(ctd.namespace)
	if code == 0 {
		os.RemoveAll(workDir)
	} else {
		fmt.Fprintln(os.Stderr, "shim tests: kept", workDir, "(containerd's log is containerd/containerd.log)")
	}
	return code
}

// preconditions checks what the tests need before starting containerd.
// !ok: return code (2: a broken setup; 77: nothing to test here, with the
// reason as the last line, which scripts/test.sh prints after ctest's
// summary).
func preconditions() (code int, ok bool) {
	v := os.Getenv("SHIM")
	if v == "" {
		fmt.Fprintln(os.Stderr, "shim tests: SHIM is not set (the path of containerd-shim-wasinet-v1)")
		return 2, false
	}
	if _, err := os.Stat(v); err != nil {
		if os.Getenv("WASINET_SHIM_REQUIRED") == "1" {
			fmt.Fprintf(os.Stderr, "shim tests: %v (WASINET_SHIM_REQUIRED=1: the shim should have been built)\n", err)
			return 2, false
		}
		fmt.Printf("%s is not built: run `make shim` or `ninja -C BUILD shim` (scripts/test.sh does)\n", v)
		return exitSkipped, false
	}
	var err error
	for _, e := range []struct {
		name string
		dst  *string
	}{{"SHIM", &shimBin}, {"GUESTS", &guestsDir}, {"EXAMPLES", &examplesDir}} {
		if *e.dst, err = absFromEnv(e.name); err != nil {
			fmt.Fprintln(os.Stderr, "shim tests:", err)
			return 2, false
		}
	}
	if c := os.Getenv("CONTAINERD"); c != "" && os.Getenv("WASINET_SHIM_CONTAINERD_OPTIONAL") == "1" {
		if _, err := os.Stat(c); err != nil {
			fmt.Printf("%s is not built (scripts/setup.sh builds containerd 2.x from the Go module proxy): %v\n", c, err)
			return exitSkipped, false
		}
	}
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "shim tests: need root (containerd mounts file systems and makes cgroups)")
		return 2, false
	}
	return 0, true
}

func absFromEnv(name string) (string, error) {
	v := os.Getenv(name)
	if v == "" {
		return "", fmt.Errorf("%s is not set", name)
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return abs, nil
}

func lookEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if p, err := exec.LookPath(def); err == nil {
		return p
	}
	return def
}

// guest is build/guests/go/NAME.wasm.
func guest(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(guestsDir, "go", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// example is build/examples/go/NAME.wasm.
func example(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, "go", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
