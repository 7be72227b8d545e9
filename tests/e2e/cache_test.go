package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	cacheMiss = "wasinet: module cache miss: compiled in "
	cacheHit  = "wasinet: module cache hit: "
)

// cacheEntries lists the files in a cache directory (none if it is absent).
func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// expectOneEntry checks that dir holds exactly one compiled module and no
// temporary files, and returns its path.
func expectOneEntry(t *testing.T, dir string) string {
	t.Helper()
	names := cacheEntries(t, dir)
	if len(names) != 1 || !strings.HasSuffix(names[0], ".cwasm") {
		t.Fatalf("cache directory %s holds %q, want one .cwasm file", dir, names)
	}
	return filepath.Join(dir, names[0])
}

// withoutCacheNotes drops wasinet's -v lines, leaving the guest's stderr.
func withoutCacheNotes(stderr string) string {
	var keep []string
	for _, l := range lines(stderr) {
		if !strings.HasPrefix(l, "wasinet: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// First run compiles and stores, second loads from the cache and skips
// compiling; both give the same output.
func TestCacheMissThenHit(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	cache := filepath.Join(t.TempDir(), "new", "cache") // created on demand

	first := run(t, opts{}, "run", "--no-ca-certs", "-v", "--cache-dir", cache, g, "a", "b")
	expectCode(t, first, 3)
	if !strings.Contains(first.stderr, cacheMiss) || strings.Contains(first.stderr, cacheHit) {
		t.Errorf("first run: want a cache miss note\n%s", first)
	}
	entry := expectOneEntry(t, cache)
	if !strings.Contains(first.stderr, "stored "+entry) {
		t.Errorf("first run does not name the stored entry %s\n%s", entry, first)
	}

	second := run(t, opts{}, "run", "--no-ca-certs", "-v", "--cache-dir", cache, g, "a", "b")
	expectCode(t, second, 3)
	if !strings.Contains(second.stderr, cacheHit+entry) {
		t.Errorf("second run: want %q\n%s", cacheHit+entry, second)
	}
	if strings.Contains(second.stderr, "cache miss") || strings.Contains(second.stderr, "compil") {
		t.Errorf("second run compiled again\n%s", second)
	}
	if second.stdout != first.stdout || withoutCacheNotes(second.stderr) != withoutCacheNotes(first.stderr) {
		t.Errorf("output differs between the runs\nfirst:\n%s\nsecond:\n%s", first, second)
	}
	if first.stdout != "argc=3\narg1=a\narg2=b\nHELLO_GREETING unset\nenvcount=0\n" {
		t.Errorf("unexpected stdout\n%s", first)
	}
	expectOneEntry(t, cache)
	t.Logf("miss run %v, hit run %v", first.elapsed, second.elapsed)
}

// Without -v the cache works silently: the guest's stderr only.
func TestCacheQuietWithoutVerbose(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	cache := t.TempDir()
	for i := 0; i < 2; i++ {
		r := run(t, opts{}, "run", "--cache-dir", cache, g)
		expectCode(t, r, 3)
		if r.stderr != helloStderr {
			t.Errorf("run %d: stderr %q, want only the guest's line", i+1, r.stderr)
		}
	}
	expectOneEntry(t, cache)
}

// WASINET_CACHE_DIR chooses the cache when --cache-dir is not given.
func TestCacheDirFromEnvironment(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	cache := t.TempDir()
	r := run(t, opts{env: []string{"WASINET_CACHE_DIR=" + cache}}, "run", g)
	expectCode(t, r, 3)
	expectOneEntry(t, cache)
}

// --no-cache neither reads nor writes the cache.
func TestNoCacheWritesNothing(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	cache := t.TempDir()
	for i := 0; i < 2; i++ {
		r := run(t, opts{}, "run", "--no-cache", "-v", "--cache-dir", cache, g)
		expectCode(t, r, 3)
		if strings.Contains(r.stderr, cacheHit) || strings.Contains(r.stderr, cacheMiss) {
			t.Errorf("run %d with --no-cache used the cache\n%s", i+1, r)
		}
	}
	if names := cacheEntries(t, cache); len(names) != 0 {
		t.Errorf("--no-cache wrote %q into the cache directory", names)
	}
	// And with a filled cache, --no-cache does not read it.
	run(t, opts{}, "run", "--cache-dir", cache, g)
	expectOneEntry(t, cache)
	r := run(t, opts{}, "run", "--no-cache", "-v", "--cache-dir", cache, g)
	expectCode(t, r, 3)
	if strings.Contains(r.stderr, cacheHit) {
		t.Errorf("--no-cache read the cache\n%s", r)
	}
}

// Two processes starting the same uncached module at once both succeed and
// leave one whole entry.
func TestCacheConcurrentFirstStarts(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "hello")
	cache := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	const n = 2
	type proc struct {
		cmd            *exec.Cmd
		stdout, stderr bytes.Buffer
		start          time.Time
	}
	var procs [n]*proc
	for i := range procs {
		p := &proc{cmd: wasinetCmd(ctx, t, opts{}, "run", "--no-ca-certs", "-v", "--cache-dir", cache, g, "concurrent")}
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
		procs[i] = p
	}
	for _, p := range procs {
		p.start = time.Now()
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	var results [n]result
	for i, p := range procs {
		results[i] = finish(t, p.cmd, &p.stdout, &p.stderr, p.start, p.cmd.Wait())
	}
	for i, r := range results {
		expectCode(t, r, 3)
		if r.stdout != "argc=2\narg1=concurrent\nHELLO_GREETING unset\nenvcount=0\n" {
			t.Errorf("process %d: unexpected stdout\n%s", i+1, r)
		}
		if strings.Contains(r.stderr, "warning") {
			t.Errorf("process %d warned\n%s", i+1, r)
		}
	}
	entry := expectOneEntry(t, cache)
	r := run(t, opts{}, "run", "--no-ca-certs", "-v", "--cache-dir", cache, g, "concurrent")
	expectCode(t, r, 3)
	if !strings.Contains(r.stderr, cacheHit+entry) {
		t.Errorf("third run: want a cache hit on %s\n%s", entry, r)
	}
}

// A damaged cache entry is thrown away and replaced; the guest still runs.
func TestCacheDamagedEntryIsReplaced(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	cache := t.TempDir()
	first := run(t, opts{}, "run", "--cache-dir", cache, g)
	expectCode(t, first, 3)
	entry := expectOneEntry(t, cache)
	good, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the ELF header, damage the rest.
	damaged := append(append([]byte{}, good[:64]...), garbage(len(good)-64)...)
	if err := os.WriteFile(entry, damaged, 0o644); err != nil {
		t.Fatal(err)
	}

	r := run(t, opts{}, "run", "--cache-dir", cache, g)
	expectCode(t, r, 3)
	if r.stdout != first.stdout {
		t.Errorf("stdout after damage: %q, want %q", r.stdout, first.stdout)
	}
	r = run(t, opts{}, "run", "-v", "--cache-dir", cache, g)
	expectCode(t, r, 3)
	if !strings.Contains(r.stderr, cacheHit) {
		t.Errorf("the damaged entry was not replaced by a good one\n%s", r)
	}
}

// A cache directory that cannot be created must not stop the guest.
func TestCacheUnwritableDirStillRuns(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	file := writeFile(t, filepath.Join(t.TempDir(), "a-file"), []byte("x"))
	r := run(t, opts{}, "run", "--no-ca-certs", "--cache-dir", filepath.Join(file, "cache"), g, "x")
	expectCode(t, r, 3)
	if r.stdout != "argc=2\narg1=x\nHELLO_GREETING unset\nenvcount=0\n" {
		t.Errorf("unexpected stdout\n%s", r)
	}
	l := lines(r.stderr)
	if len(l) != 2 || !strings.Contains(r.stderr, helloStderr) || !strings.Contains(r.stderr, "cache") {
		t.Errorf("want one warning line about the cache plus the guest's line\n%s", r)
	}
}
