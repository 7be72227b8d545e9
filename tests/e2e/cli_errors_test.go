package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// Each way of starting wasinet wrongly gives one clear line, a non-zero
// exit code (125: cannot start the guest; 2: usage) and no engine insides.

const (
	exitHostError = 125
	exitUsage     = 2
	exitTrap      = 134
)

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// garbage returns n deterministic bytes that are not valid wasm.
func garbage(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func TestCLIMissingModule(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.wasm")
	r := run(t, opts{}, "run", missing)
	expectOneLineError(t, r, exitHostError, "missing.wasm")
}

func TestCLIModuleIsADirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "dir.wasm")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := run(t, opts{}, "run", dir)
	expectOneLineError(t, r, exitHostError, "dir.wasm")
}

func TestCLINotWasm(t *testing.T) {
	t.Parallel()
	p := writeFile(t, filepath.Join(t.TempDir(), "notwasm.wasm"), []byte("#!/bin/sh\necho this is not wasm\n"))
	r := run(t, opts{}, "run", p)
	expectOneLineError(t, r, exitHostError, "notwasm.wasm")
}

func TestCLIEmptyFile(t *testing.T) {
	t.Parallel()
	p := writeFile(t, filepath.Join(t.TempDir(), "empty.wasm"), nil)
	r := run(t, opts{}, "run", p)
	expectOneLineError(t, r, exitHostError, "empty.wasm")
}

// The first 100 bytes of a real guest.
func TestCLITruncatedWasm(t *testing.T) {
	t.Parallel()
	whole, err := os.ReadFile(guest(t, "go", "hello"))
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, filepath.Join(t.TempDir(), "truncated.wasm"), whole[:100])
	r := run(t, opts{}, "run", "--no-cache", p)
	expectOneLineError(t, r, exitHostError, "truncated.wasm")
}

// A valid header followed by garbage.
func TestCLICorruptWasm(t *testing.T) {
	t.Parallel()
	data := append([]byte("\x00asm\x01\x00\x00\x00"), garbage(4096)...)
	p := writeFile(t, filepath.Join(t.TempDir(), "corrupt.wasm"), data)
	r := run(t, opts{}, "run", "--no-cache", p)
	expectOneLineError(t, r, exitHostError, "corrupt.wasm")
}

// The message names the module and the function that is missing.
func TestCLIUnknownImport(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "import_missing")
	r := run(t, opts{}, "run", g)
	expectOneLineError(t, r, exitHostError, "import_missing.wasm", "env", "nope")
}

// A precompiled module that is damaged (an ELF header with wasmtime's
// OS/ABI mark, 200, then garbage) is refused with a hint to recompile it.
func TestCLIDamagedPrecompiled(t *testing.T) {
	t.Parallel()
	elf := []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 200, 0, 0, 0, 0, 0, 0, 0, 0}
	p := writeFile(t, filepath.Join(t.TempDir(), "damaged.cwasm"), append(elf, garbage(8192)...))
	r := run(t, opts{}, "run", p)
	expectOneLineError(t, r, exitHostError, "damaged.cwasm", "wasinet compile")
}

// A bad flag is a usage error (exit 2) that names the flag.
func TestCLIBadFlag(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	r := run(t, opts{}, "run", "--no-such-flag", g)
	expectOneLineError(t, r, exitUsage, "--no-such-flag")
}

func TestCLIUnknownCommand(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "frobnicate")
	expectOneLineError(t, r, exitUsage, "frobnicate")
}

func TestCLINoCommand(t *testing.T) {
	t.Parallel()
	r := run(t, opts{})
	expectOneLineError(t, r, exitUsage)
}

func TestCLIRunWithoutModule(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "run", "--no-cache")
	expectOneLineError(t, r, exitUsage)
}

// An option that needs a value, given none.
func TestCLIFlagMissingValue(t *testing.T) {
	t.Parallel()
	r := run(t, opts{}, "run", "--dir")
	expectOneLineError(t, r, exitUsage, "--dir")
}

// The flags are checked before the module: a --dir that does not exist is
// reported even though the module is fine.
func TestCLIDirDoesNotExist(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	r := run(t, opts{}, "run", "--dir", missing+"::/data", g)
	expectOneLineError(t, r, exitHostError, "no-such-dir")
}

func TestCLIDirIsAFile(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	file := writeFile(t, filepath.Join(t.TempDir(), "plain-file"), []byte("x"))
	r := run(t, opts{}, "run", "--dir", file, g)
	expectOneLineError(t, r, exitHostError, "plain-file")
}

// A malformed --dir is a usage error (workdir_test.go has the others).
func TestCLIDirMalformed(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	r := run(t, opts{}, "run", "--dir", "::/data", g)
	expectOneLineError(t, r, exitUsage, "--dir ::/data")
}

func TestCLICompileMissingInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := run(t, opts{dir: dir}, "compile", filepath.Join(dir, "absent.wasm"), "-o", filepath.Join(dir, "x.cwasm"))
	expectOneLineError(t, r, exitHostError, "absent.wasm")
	if _, err := os.Stat(filepath.Join(dir, "x.cwasm")); err == nil {
		t.Errorf("a failed compile left x.cwasm behind")
	}
}

// A guest that traps: exit 134 and one line that says why (the
// `unreachable` instruction); what it wrote before the trap is kept.
func TestTrap(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "trap")
	r := run(t, opts{}, "run", g)
	expectCode(t, r, exitTrap)
	expectStdout(t, r, "about to trap\n")
	r.stdout = "" // checked above
	expectOneLineError(t, r, exitTrap, "trap", "unreachable")
}
