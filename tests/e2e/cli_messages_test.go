package e2e

// Messages a new user meets first: each says what is wrong and what to
// type instead, with the exit code the README promises (2: usage, 125:
// cannot start the guest).

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// `--env =x` is a mistake on the command line: usage, not "cannot start".
func TestCLIEnvEmptyName(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "run", "--env", "=x", guest(t, "go", "hello"))
	expectOneLineError(t, r, exitUsage, "--env =x", "empty variable name")
}

// A file that is not WebAssembly is called what it is: a native program
// (ELF without wasmtime's mark) is not told to be recompiled; other files
// show how they start.
func TestCLINotWebAssemblyNamesWhatItIs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	native, err := os.Executable() // this test binary: a native ELF program
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, opts{}, "run", native)
	expectOneLineError(t, r, exitHostError, native, "native program", "not a WebAssembly module")
	if strings.Contains(r.stderr, "recompile it") {
		t.Errorf("a native program is told to be recompiled: %q", r.stderr)
	}
	r = run(t, opts{}, "compile", native, "-o", filepath.Join(dir, "x.cwasm"))
	expectOneLineError(t, r, exitHostError, "native program")

	script := writeFile(t, filepath.Join(dir, "script.wasm"), []byte("#!/bin/sh\necho hi\n"))
	r = run(t, opts{}, "run", script)
	expectOneLineError(t, r, exitHostError, `it starts with "#!/bin/sh", not \0asm`)
	gz := writeFile(t, filepath.Join(dir, "app.wasm.gz"), []byte{0x1f, 0x8b, 0x08, 0x00, 1, 2, 3})
	r = run(t, opts{}, "run", gz)
	expectOneLineError(t, r, exitHostError, "it starts with 1f 8b 08 00")
	empty := writeFile(t, filepath.Join(dir, "empty.wasm"), nil)
	r = run(t, opts{}, "run", empty)
	expectOneLineError(t, r, exitHostError, "it is empty")
}

// --net-policy names the OS's reason: a directory is not "bad JSON", and a
// missing file says so.
func TestCLINetPolicyUnreadable(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	dir := t.TempDir()
	r := run(t, opts{}, "run", "--net-policy", dir, g)
	expectOneLineError(t, r, exitUsage, "--net-policy "+dir, "is a directory")
	missing := filepath.Join(dir, "missing.toml")
	r = run(t, opts{}, "run", "--net-policy", missing, g)
	expectOneLineError(t, r, exitUsage, "--net-policy "+missing, "No such file or directory")
}

// A mistake in `run`'s flags points to `wasinet run --help`, which lists
// them (`wasinet --help` does not); in compile's, to `wasinet compile --help`.
func TestCLIUnknownFlagPointsToTheCommandsHelp(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	r := run(t, opts{}, "run", "--no-such-flag", g)
	expectOneLineError(t, r, exitUsage, "--no-such-flag", "see `wasinet run --help`")
	r = run(t, opts{}, "compile", "--no-such-flag", g)
	expectOneLineError(t, r, exitUsage, "--no-such-flag", "see `wasinet compile --help`")
	r = run(t, opts{}, "--no-such-flag")
	expectOneLineError(t, r, exitUsage, "see `wasinet --help`")
	// And the page it points to lists the flag that was meant.
	r = run(t, opts{}, "run", "--help")
	expectCode(t, r, 0)
	if !strings.Contains(r.stdout, "--allow-net [=RULE,...]") || !strings.Contains(r.stdout, "--deny-net =RULE,...") {
		t.Errorf("`wasinet run --help` lacks the network flags:\n%s", r.stdout)
	}
}

// `wasinet app.wasm`: the command is missing; say how to run it.
func TestCLIProgramInsteadOfCommand(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	r := run(t, opts{}, g)
	expectOneLineError(t, r, exitUsage, "unknown command "+g, "wasinet run "+g)
	r = run(t, opts{}, "app.cwasm")
	expectOneLineError(t, r, exitUsage, "wasinet run app.cwasm")
	r = run(t, opts{}, "frobnicate")
	expectOneLineError(t, r, exitUsage, "unknown command frobnicate")
	if strings.Contains(r.stderr, "wasinet run frobnicate") {
		t.Errorf("a word that is no program is offered to `run`: %q", r.stderr)
	}
}

// -v says how long compiling took, with the cache off too.
func TestCLIVerboseNoCacheShowsCompileTime(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "run", "--no-cache", "-v", guest(t, "c", "hello"))
	if !regexp.MustCompile(`(?m)^wasinet: module cache disabled: compiled in \d+ ms$`).MatchString(r.stderr) {
		t.Errorf("no compile time on stderr\n%s", r)
	}
}

// A --listen socket the policy refuses: the errno is named as people know
// it (EACCES), not WASI's "acces".
func TestCLIListenRefusalNamesTheErrno(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "run", "--deny-net=loopback", "--listen", "tcp://127.0.0.1:0", guest(t, "c", "hello"))
	expectCode(t, r, exitHostError)
	if !strings.Contains(r.stderr, "wasinet: cannot listen on tcp://127.0.0.1:0: refused by the network policy (EACCES)\n") {
		t.Errorf("want the refusal with EACCES\n%s", r)
	}
}
