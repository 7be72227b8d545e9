package e2e

// Helpers for the tests of `wasinet go` (overlay_*_test.go): ordinary Go
// programs from tests/overlay, which import nothing of wasinet's, built
// with the real `wasinet go build` for each supported Go release, and run
// under `wasinet run` against native peers.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// goRelease is a Go release `wasinet go` supports, and the GOTOOLCHAIN
// value that selects it (the Go on this machine, or one the module proxy
// serves).
type goRelease struct {
	name      string
	toolchain string
}

var goReleases = []goRelease{{"go1.26", "local"}, {"go1.27", "go1.27.3"}}

// forEachRelease runs f as a subtest per supported Go release.
func forEachRelease(t *testing.T, f func(t *testing.T, r goRelease)) {
	for _, r := range goReleases {
		t.Run(r.name, func(t *testing.T) { f(t, r) })
	}
}

var (
	overlayOnce   sync.Once
	overlayRoot   string // the Go overlay files (WASINET_GO_OVERLAY_DIR) and the built programs
	overlayErr    error
	overlayBuilds sync.Map // release+package → *overlayBuild
)

type overlayBuild struct {
	once sync.Once
	path string
	out  string
	err  error
}

// overlayDir is a directory shared by this run's overlay tests, removed by
// TestMain, so the user's ~/.cache/wasinet/go-overlay is left alone.
func overlayDir(t *testing.T) string {
	t.Helper()
	overlayOnce.Do(func() {
		overlayRoot, overlayErr = os.MkdirTemp("", "wasinet-e2e-overlay-")
		if overlayErr == nil {
			cleanups = append(cleanups, func() { os.RemoveAll(overlayRoot) })
		}
	})
	if overlayErr != nil {
		t.Fatal(overlayErr)
	}
	return overlayRoot
}

// goEnv is the environment of a `wasinet go` or `go` command for release r.
func goEnv(t *testing.T, r goRelease) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"GOTOOLCHAIN=" + r.toolchain,
		"GOFLAGS=",
		"GOWORK=off",
		"WASINET_GO_OVERLAY_DIR=" + filepath.Join(overlayDir(t), "files"),
	}
}

// wasinetGo runs `wasinet go ARGS...` in dir and returns its combined
// output and error.
func wasinetGo(t *testing.T, r goRelease, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wasinet, append([]string{"go"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(goEnv(t, r), env...)
	cmd.Env = append(cmd.Env, "WASINET_CACHE_DIR="+sharedCache)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// overlayGuest builds package pkg (a path inside tests/overlay, or an
// import path its go.mod reaches) with `wasinet go build` for release r,
// once per run, and returns the .wasm.
func overlayGuest(t *testing.T, r goRelease, pkg string) string {
	t.Helper()
	v, _ := overlayBuilds.LoadOrStore(r.name+" "+pkg, &overlayBuild{})
	b := v.(*overlayBuild)
	b.once.Do(func() {
		name := strings.NewReplacer("/", "_", ".", "_").Replace(pkg)
		b.path = filepath.Join(overlayDir(t), r.name, name+".wasm")
		b.out, b.err = wasinetGo(t, r, repoPath(t, "tests/overlay"), nil, "build", "-o", b.path, pkg)
	})
	if b.err != nil {
		t.Fatalf("wasinet go build %s (%s): %v\n%s", pkg, r.name, b.err, b.out)
	}
	return b.path
}

// nativeTool builds package pkg of tests/overlay natively (a peer for a
// guest, e.g. gRPC's greeter) and returns the executable.
func nativeTool(t *testing.T, pkg string) string {
	t.Helper()
	v, _ := overlayBuilds.LoadOrStore("native "+pkg, &overlayBuild{})
	b := v.(*overlayBuild)
	b.once.Do(func() {
		b.path = filepath.Join(overlayDir(t), "native", filepath.Base(pkg))
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.path, pkg)
		cmd.Dir = repoPath(t, "tests/overlay")
		cmd.Env = append(goEnv(t, goReleases[0]), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		b.out, b.err = string(out), err
	})
	if b.err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, b.err, b.out)
	}
	return b.path
}
