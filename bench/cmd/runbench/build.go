package main

// Building the programs the benchmark runs: the bench module's guests,
// natively and for wasip1 from the same source, its native tools, and the
// old-library guest from the test guests' module.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Programs are the paths of everything built.
type Programs struct {
	HelloHTTP, HelloCLI, Bulk, Compute Pair
	BulkPeer, IdleConns                string
	V0HTTP                             string // wasm only: the old library has no native build
	V0Err                              error  // its build failed: only the v0 section is lost
	// hello_http_net built with `wasinet go build` (package net's own
	// Listen, the overlay): wasm only.
	HelloHTTPNet    string
	HelloHTTPNetErr error // its build failed: only its rows are lost
}

// Pair is one source built twice.
type Pair struct{ Native, Wasm string }

func buildPrograms(goTool, wasinet, root, out string) (Programs, error) {
	benchDir := filepath.Join(root, "bench")
	binDir := filepath.Join(out, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return Programs{}, err
	}
	var firstErr error
	build := func(moduleDir, pkg, name string, wasm bool) string {
		if firstErr != nil {
			return ""
		}
		dst := filepath.Join(binDir, name)
		env := []string{"GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS="}
		if wasm {
			dst += ".wasm"
			env = append(env, "GOOS=wasip1", "GOARCH=wasm")
		}
		cmd := exec.Command(goTool, "build", "-o", dst, pkg)
		cmd.Dir = moduleDir
		cmd.Env = mergeEnv(os.Environ(), env)
		if out, err := cmd.CombinedOutput(); err != nil {
			firstErr = fmt.Errorf("go build %s (wasm=%v) in %s: %v\n%s", pkg, wasm, moduleDir, err,
				strings.TrimSpace(string(out)))
		}
		return dst
	}
	pair := func(name string) Pair {
		pkg := "./guests/" + name
		return Pair{Native: build(benchDir, pkg, name, false), Wasm: build(benchDir, pkg, name, true)}
	}
	p := Programs{
		HelloHTTP: pair("hello_http"),
		HelloCLI:  pair("hello_cli"),
		Bulk:      pair("bulk"),
		Compute:   pair("compute_http"),
		BulkPeer:  build(benchDir, "./cmd/bulkpeer", "bulkpeer", false),
		IdleConns: build(benchDir, "./cmd/idleconns", "idleconns", false),
	}
	if firstErr != nil {
		return p, firstErr
	}
	// tests/guests/go/v0_http: net/http over internal/v0guest, the
	// imitation of the existing wasinet_v0 Go library. Another module, in
	// another part of the tree: its failure costs only its own section.
	p.V0HTTP = build(filepath.Join(root, "tests", "guests", "go"), "./v0_http", "v0_http", true)
	p.V0Err, firstErr = firstErr, nil
	p.HelloHTTPNet, p.HelloHTTPNetErr = buildWithOverlay(wasinet, benchDir, "./guests/hello_http_net",
		filepath.Join(binDir, "hello_http_net.wasm"), filepath.Join(out, "go-overlay"))
	return p, nil
}

// buildWithOverlay is `wasinet go build -o dst pkg` in moduleDir, with the
// overlay files kept in overlayDir (not the user's cache).
func buildWithOverlay(wasinet, moduleDir, pkg, dst, overlayDir string) (string, error) {
	cmd := exec.Command(wasinet, "go", "build", "-o", dst, pkg)
	cmd.Dir = moduleDir
	cmd.Env = mergeEnv(os.Environ(), []string{"GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=",
		"WASINET_GO_OVERLAY_DIR=" + overlayDir})
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("wasinet go build %s in %s: %v\n%s", pkg, moduleDir, err, strings.TrimSpace(string(out)))
	}
	return dst, nil
}

// findGo returns the go command: on PATH, else where setup.sh expects it.
func findGo() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/local/go/bin/go", filepath.Join(os.Getenv("HOME"), "go", "bin", "go")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("go not found on PATH nor in /usr/local/go/bin")
}

// primeCache compiles every guest the servers and tools run into the
// bench's module cache, so no measured run pays for (or keeps the memory
// of) a compile: each starts and exits at once on a usage error. The
// start-time figures use caches of their own.
func (b *Bench) primeCache() error {
	type guest struct {
		wasm string
		args []string
	}
	guests := []guest{{b.prog.HelloHTTP.Wasm, nil}, {b.prog.Bulk.Wasm, nil}, {b.prog.Compute.Wasm, []string{"-no-such-flag"}}}
	if b.prog.V0Err == nil {
		guests = append(guests, guest{b.prog.V0HTTP, nil})
	}
	if b.prog.HelloHTTPNetErr == nil {
		guests = append(guests, guest{b.prog.HelloHTTPNet, nil})
	}
	for _, g := range guests {
		p, err := Start(ProcSpec{Name: "compile " + filepath.Base(g.wasm), Argv: b.wasinetRun(nil, 0, g.wasm, g.args...)})
		if err != nil {
			return err
		}
		// It exits non-zero (usage) by design; only a hang is an error.
		p.Wait(5 * time.Minute)
		if p.cmd.ProcessState == nil || p.cmd.ProcessState.ExitCode() == -1 {
			return fmt.Errorf("compiling %s: it did not exit%s", g.wasm, p.stderrNote())
		}
		if code := p.cmd.ProcessState.ExitCode(); code == 125 || code == 134 {
			return fmt.Errorf("wasinet could not run %s (exit %d)%s", g.wasm, code, p.stderrNote())
		}
	}
	return nil
}
