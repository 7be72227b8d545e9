package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `wasinet compile` writes a precompiled module that `wasinet run` starts
// with the same behaviour as the wasm it came from.
func TestCompileThenRunPrecompiled(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		dir := t.TempDir()
		out := filepath.Join(dir, "x.cwasm")

		r := run(t, opts{}, "compile", g, "-o", out)
		expectCode(t, r, 0)
		if r.stdout != "" {
			t.Errorf("compile wrote to stdout: %q", r.stdout)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("compile did not write %s: %v\n%s", out, err, r)
		}
		if !bytes.HasPrefix(data, []byte("\x7fELF")) {
			t.Errorf("%s does not look precompiled (first bytes %q)", out, data[:min(8, len(data))])
		}

		want := run(t, opts{}, "run", g, "one", "two")
		expectCode(t, want, 3)
		got := run(t, opts{}, "run", out, "one", "two")
		expectCode(t, got, 3)
		if got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("the .cwasm behaves differently\nwasm:\n%s\ncwasm:\n%s", want, got)
		}

		// -v says the precompiled file was loaded, and nothing is cached.
		cache := t.TempDir()
		v := run(t, opts{}, "run", "-v", "--cache-dir", cache, out)
		expectCode(t, v, 3)
		if strings.Contains(v.stderr, "cache miss") || strings.Contains(v.stderr, "cache hit") {
			t.Errorf("a precompiled module went through the module cache\n%s", v)
		}
		if names := cacheEntries(t, cache); len(names) != 0 {
			t.Errorf("running a .cwasm wrote %q into the cache", names)
		}
	})
}

// Without -o the output goes next to the input, with the .cwasm extension.
func TestCompileDefaultOutput(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	dir := t.TempDir()
	data, err := os.ReadFile(g)
	if err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, filepath.Join(dir, "app.wasm"), data)
	r := run(t, opts{}, "compile", in)
	expectCode(t, r, 0)
	out := filepath.Join(dir, "app.cwasm")
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("compile without -o: %v\n%s", err, r)
	}
	r = run(t, opts{}, "run", out)
	expectCode(t, r, 3)
}

// Compiling something that is already precompiled is refused in one line.
func TestCompilePrecompiledInput(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	dir := t.TempDir()
	out := filepath.Join(dir, "x.cwasm")
	expectCode(t, run(t, opts{}, "compile", g, "-o", out), 0)
	r := run(t, opts{}, "compile", out, "-o", filepath.Join(dir, "y.cwasm"))
	expectOneLineError(t, r, exitHostError, "x.cwasm")
}

func TestCompileNotWasm(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "text.wasm"), []byte("hello\n"))
	r := run(t, opts{}, "compile", in, "-o", filepath.Join(dir, "text.cwasm"))
	expectOneLineError(t, r, exitHostError, "text.wasm")
}

// The help texts exit 0, go to stdout and tell how to preopen a directory.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"run", "--help"}} {
		args := args
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			r := run(t, opts{}, args...)
			expectCode(t, r, 0)
			if args[0] == "run" && !strings.Contains(r.stdout, "--allow-net [=RULE,...]") {
				t.Errorf("run --help does not show --allow-net [=RULE,...]\n%s", r)
			}
			if !strings.Contains(r.stdout, "--dir") {
				t.Errorf("help does not mention --dir\n%s", r)
			}
			if !strings.Contains(r.stdout, "run") {
				t.Errorf("help does not mention the run command\n%s", r)
			}
			// CLI11's notation for a flag with an optional value is not for people.
			if strings.Contains(r.stdout, "{*}") {
				t.Errorf("help shows \"{*}\"\n%s", r)
			}
		})
	}
}

func TestCompileHelp(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "compile", "--help")
	expectCode(t, r, 0)
	if !strings.Contains(r.stdout, "-o") {
		t.Errorf("compile --help does not mention -o\n%s", r)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "--version")
	expectCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "wasinet ") {
		t.Errorf("--version: %q", r.stdout)
	}
}

// `run` uses epoch checks only with --timeout, and `compile` leaves them out
// unless asked (--interruptible): a plain .cwasm runs without --timeout,
// and with it is refused with a line saying how to compile it; an
// interruptible one runs both ways, and a spinning guest is stopped.
func TestCompileInterruptibleForTimeout(t *testing.T) {
	g := guest(t, "c", "limits_wait")
	dir := t.TempDir()
	plain, interruptible := filepath.Join(dir, "plain.cwasm"), filepath.Join(dir, "int.cwasm")
	expectCode(t, run(t, opts{}, "compile", g, "-o", plain), 0)
	expectCode(t, run(t, opts{}, "compile", "--interruptible", g, "-o", interruptible), 0)

	r := run(t, opts{}, "run", "--timeout", "1s", plain, "spin")
	expectCode(t, r, 125)
	if !strings.Contains(r.stderr, "compiled without the epoch checks --timeout needs") ||
		!strings.Contains(r.stderr, "wasinet compile --interruptible") {
		t.Errorf("want the line saying how to compile for --timeout\n%s", r)
	}
	r = run(t, opts{}, "run", "--timeout", "1s", interruptible, "spin")
	expectCode(t, r, 124)
	hello := guest(t, "c", "hello")
	for _, flags := range [][]string{nil, {"--interruptible"}} {
		// Both kinds run without --timeout (hello exits 3).
		out := filepath.Join(dir, fmt.Sprintf("hello%d.cwasm", len(flags)))
		expectCode(t, run(t, opts{}, append(append([]string{"compile"}, flags...), hello, "-o", out)...), 0)
		expectCode(t, run(t, opts{}, "run", out), 3)
	}
}
