package e2e

// `wasinet go` itself: its usage errors, the releases it refuses, a user's
// own -overlay merged with wasinet's, `go test` and `go run` under
// `wasinet run` with the grants passed through, `go vet`; the Go SDK built
// with `wasinet go build`; and plain `GOOS=wasip1 go build`, which still
// gets Go's fake network.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runGo runs `wasinet go ARGS...` with env added to the usual (PATH
// included) and returns what it did.
func runGo(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wasinet, append([]string{"go"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(goEnv(t, goReleases[0]), "WASINET_CACHE_DIR="+sharedCache), env...)
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("wasinet go %s: %v", strings.Join(args, " "), err)
	}
	return r
}

func TestOverlayGoCommandUsageErrors(t *testing.T) {
	dir := repoPath(t, "tests/overlay")
	help := runGo(t, dir, nil, "--help")
	if help.code != 0 || !strings.HasPrefix(help.stdout, "Usage: wasinet go build|test|run|vet") ||
		!strings.Contains(help.stdout, "Supported Go releases: go1.26, go1.27") {
		t.Fatalf("wasinet go --help\n%s", help)
	}
	bare := runGo(t, dir, nil)
	if bare.code != 2 || !strings.HasPrefix(bare.stderr, "Usage: wasinet go") {
		t.Fatalf("wasinet go\n%s", bare)
	}
	for _, c := range []struct {
		args    []string
		env     []string
		mention string
	}{
		{[]string{"frob"}, nil, "unknown command frob"},
		{[]string{"build", "--allow-net=loopback", "."}, nil, "--allow-net is a `wasinet run` flag"},
		{[]string{"test", "-exec", "mine", "./gotest"}, nil, "-exec"},
		{[]string{"build", "."}, []string{"GOOS=linux"}, "GOOS=linux is set"},
		{[]string{"build", "."}, []string{"GOARCH=amd64"}, "GOARCH=amd64 is set"},
		{[]string{"test", "--dir"}, nil, "--dir needs a value"},
		{[]string{"test", "-v", "--allow-net=loopback", "./gotest"}, nil, "put it right after `test`"},
		{[]string{"vet", "-v", "--allow-dns", "./gotest"}, nil, "--allow-dns is a `wasinet run` flag"},
	} {
		expectOneLineError(t, runGo(t, dir, c.env, c.args...), 2, c.mention)
	}
}

// fakeGo puts a `go` on PATH that answers `go env -json` with version.
func fakeGo(t *testing.T, version string) []string {
	t.Helper()
	bin := t.TempDir()
	out, _ := json.Marshal(map[string]string{"GOVERSION": version, "GOROOT": "/nonexistent", "GOMODCACHE": "/nonexistent/mod"})
	script := "#!/bin/sh\ncat <<'EOF'\n" + string(out) + "\nEOF\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + bin + ":/usr/bin:/bin"}
}

func TestOverlayGoCommandRefusesOtherReleases(t *testing.T) {
	dir := repoPath(t, "tests/overlay")
	for _, v := range []string{"go1.25.3", "go1.28.0", "go1.27rc1", "devel go1.27-abcdef"} {
		expectOneLineError(t, runGo(t, dir, fakeGo(t, v), "build", "."), 125,
			v+" is not supported (supported: go1.26, go1.27)")
	}
	expectOneLineError(t, runGo(t, dir, []string{"PATH=/nonexistent"}, "build", "."), 125, "no `go` on PATH")
}

// A -overlay of the user's own joins wasinet's; one that replaces the same
// file is refused with a line naming it.
func TestOverlayUserOverlayIsMerged(t *testing.T) {
	dir := repoPath(t, "tests/overlay")
	tmp := t.TempDir()
	replacement := filepath.Join(tmp, "main.go")
	src := `package main

import ("fmt"; "net")

func main() {
	_, err := net.Dial("tcp", "127.0.0.1:1")
	fmt.Println("replaced by the user's overlay:", err)
}
`
	if err := os.WriteFile(replacement, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(tmp, "mine.json")
	writeJSON(t, mine, map[string]any{"Replace": map[string]string{"guests/listenandserve/main.go": replacement}})
	out := filepath.Join(tmp, "merged.wasm")
	if r := runGo(t, dir, nil, "build", "-overlay", mine, "-o", out, "./guests/listenandserve"); r.code != 0 {
		t.Fatalf("build with a user overlay\n%s", r)
	}
	r := run(t, opts{}, "run", "--allow-net=loopback", out)
	if want := "replaced by the user's overlay: dial tcp 127.0.0.1:1: connect: Connection refused\n"; r.stdout != want {
		t.Fatalf("stdout %q, want %q (the user's file, with wasinet's real sockets)\n%s", r.stdout, want, r)
	}

	goroot := strings.TrimSpace(goOutput(t, "env", "GOROOT"))
	clash := filepath.Join(tmp, "clash.json")
	writeJSON(t, clash, map[string]any{"Replace": map[string]string{filepath.Join(goroot, "src/net/net_fake.go"): replacement}})
	expectOneLineError(t, runGo(t, dir, nil, "build", "-overlay="+clash, "-o", out, "./guests/listenandserve"), 125,
		"replaces "+filepath.Join(goroot, "src/net/net_fake.go"), "leave that file out")
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func goOutput(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Env = goEnv(t, goReleases[0])
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// `wasinet go test` runs the package's tests under `wasinet run` in the
// package directory with a private /tmp, and its grants decide what the
// tests may do; `wasinet go run` passes the program its arguments.
func TestOverlayGoTestAndRun(t *testing.T) {
	forEachRelease(t, func(t *testing.T, rel goRelease) {
		dir := repoPath(t, "tests/overlay")
		env := []string{"GOTOOLCHAIN=" + rel.toolchain}
		r := runGo(t, dir, env, "test", "--allow-net=loopback", "--allow-listen=loopback", "-count=1", "-v", "./gotest")
		if r.code != 0 || !strings.Contains(r.stdout, "--- PASS: TestRoundTrip") ||
			!strings.Contains(r.stdout, "working directory "+filepath.Join(dir, "gotest")) ||
			!strings.Contains(r.stdout, "wrote /tmp/") {
			t.Fatalf("wasinet go test with grants\n%s", r)
		}
		r = runGo(t, dir, env, "test", "-count=1", "./gotest")
		// (wasip1's syscall package words EACCES "Permission denied".)
		if r.code == 0 || !strings.Contains(r.stdout, "bind: Permission denied") ||
			!strings.Contains(r.stdout+r.stderr, "wasinet: denied bind to 127.0.0.1:0") {
			t.Fatalf("wasinet go test without grants should fail with EACCES\n%s", r)
		}

		l := listenNative(t, "tcp4", "127.0.0.1:0")
		r = runGo(t, dir, env, "run", "--allow-net=10.0.0.0/8", "./guests/netclient", "-deny", l.Addr().String())
		if r.code != 0 || !strings.Contains(r.stdout, "ok deny dial tcp "+l.Addr().String()) {
			t.Fatalf("wasinet go run\n%s", r)
		}
	})
	if r := runGo(t, repoPath(t, "tests/overlay"), nil, "vet", "./guests/...", "./gotest"); r.code != 0 {
		t.Fatalf("wasinet go vet\n%s", r)
	}
}

// Programs that import the Go SDK build with `wasinet go build` too, and
// behave as with plain go build (package net then hands the SDK real
// *net.TCPConn and *net.UnixConn values).
func TestOverlaySDKExamplesBuild(t *testing.T) {
	out := t.TempDir()
	for _, name := range []string{"httpserver", "unixsocket"} {
		if r := runGo(t, repoPath(t, "examples/go/"+name), nil, "build", "-o", filepath.Join(out, name+".wasm"), "."); r.code != 0 {
			t.Fatalf("wasinet go build examples/go/%s\n%s", name, r)
		}
	}
	t.Run("httpserver", func(t *testing.T) { checkHTTPServerExample(t, filepath.Join(out, "httpserver.wasm")) })
	t.Run("unixsocket", func(t *testing.T) { checkUnixSocketExample(t, filepath.Join(out, "unixsocket.wasm")) })
}

// Plain `GOOS=wasip1 go build` keeps Go's in-memory network: the server
// "listens", and nothing outside can reach it.
func TestOverlayPlainBuildGetsTheFakeNetwork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plain.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./guests/httpserve")
	cmd.Dir = repoPath(t, "tests/overlay")
	cmd.Env = append(goEnv(t, goReleases[0]), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", out)
	addr := httpServeAddr(t, g)
	c, err := net.DialTimeout("tcp", addr, peerTimeout)
	if err == nil {
		c.Close()
		t.Fatalf("a plain build's listener at %s took a native connection: is the overlay applied to plain builds?", addr)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
	t.Log(fmt.Sprintf("plain build says it listens on %s; a native dial: %v", addr, err))
}
