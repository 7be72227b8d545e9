package e2e

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// listHost returns the sorted names in dir, as the host sees them.
func listHost(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func writeHostFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func expectHostFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("host file %s: %v", path, err)
	} else if string(got) != want {
		t.Errorf("host file %s: %q, want %q", path, got, want)
	}
}

func expectLastLineOK(t *testing.T, r result) {
	t.Helper()
	l := lines(r.stdout)
	if len(l) == 0 || l[len(l)-1] != "ok" {
		t.Errorf("last stdout line is not \"ok\"\n%s", r)
	}
}

// The full file and directory round trip in a directory preopened as /data.
// The guest leaves the directory as it found it.
func TestFileIOReadWrite(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "fileio")
		dir := t.TempDir()
		writeHostFile(t, filepath.Join(dir, "preexisting.txt"), "was here before\n")

		r := run(t, opts{}, "run", "--dir", dir+"::/data", g, "/data")
		expectCode(t, r, 0)
		if r.stderr != "" {
			t.Errorf("stderr not empty: %q", r.stderr)
		}
		expectStdout(t, r, "entries: fileio-data.txt fileio-subdir preexisting.txt\nok\n")
		if got := strings.Join(listHost(t, dir), " "); got != "preexisting.txt" {
			t.Errorf("host directory after the run: %q, want just preexisting.txt", got)
		}
		expectHostFile(t, filepath.Join(dir, "preexisting.txt"), "was here before\n")
	})
}

// `--dir HOST` (seen at the same path) and the directory named through the
// environment instead of an argument.
func TestFileIOSamePathAndEnv(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "fileio")
		dir := t.TempDir()
		r := run(t, opts{}, "run", "--dir", dir, "--env", "FILEIO_DIR="+dir, g)
		expectCode(t, r, 0)
		expectStdout(t, r, "entries: fileio-data.txt fileio-subdir\nok\n")
		if got := listHost(t, dir); len(got) != 0 {
			t.Errorf("host directory after the run: %q, want empty", got)
		}
	})
}

// A read-only preopen: reads and listing work, every write is refused with a
// permission error, and the host directory is unchanged.
func TestFileIOReadOnlyPreopenRefusesWrites(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "fileio")
		dir := t.TempDir()
		writeHostFile(t, filepath.Join(dir, "readme.txt"), "read-only content\n")

		r := run(t, opts{}, "run", "--dir", dir+"::/data:ro", g, "-readonly", "/data")
		expectCode(t, r, 0)
		l := lines(r.stdout)
		want := []string{"readme: read-only content", "entries: readme.txt",
			"refused create: ", "refused truncate: ", "refused write: ", "refused mkdir: ",
			"refused rename: ", "refused remove: ", "ok"}
		if len(l) != len(want) {
			t.Fatalf("stdout has %d lines, want %d\n%s", len(l), len(want), r)
		}
		for i := range want {
			if !strings.HasPrefix(l[i], want[i]) {
				t.Errorf("stdout line %d: %q, want %q...", i+1, l[i], want[i])
			}
		}
		if got := strings.Join(listHost(t, dir), " "); got != "readme.txt" {
			t.Errorf("host directory after the run: %q, want just readme.txt", got)
		}
		expectHostFile(t, filepath.Join(dir, "readme.txt"), "read-only content\n")
	})
}

// Control for the test above: the same guest mode on a writable preopen
// must notice that writes are allowed and fail.
func TestFileIOReadOnlyModeDetectsWritablePreopen(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "fileio")
		dir := t.TempDir()
		writeHostFile(t, filepath.Join(dir, "readme.txt"), "writable\n")
		r := run(t, opts{}, "run", "--dir", dir+"::/data", g, "-readonly", "/data")
		expectCode(t, r, 1)
		if !strings.Contains(r.stderr, "unexpectedly allowed") {
			t.Errorf("stderr does not say a write was unexpectedly allowed\n%s", r)
		}
	})
}

// A path outside every preopen is not reachable: the guest fails cleanly
// and nothing is created on the host.
func TestFileIOOutsidePreopenFails(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "fileio")
		dir := t.TempDir()
		other := t.TempDir()
		r := run(t, opts{}, "run", "--dir", dir+"::/data", g, other)
		expectCode(t, r, 1)
		if !strings.HasPrefix(r.stderr, "fileio: ") {
			t.Errorf("stderr does not carry the guest's message\n%s", r)
		}
		if got := listHost(t, other); len(got) != 0 {
			t.Errorf("guest created %q outside its preopen", got)
		}
		if got := listHost(t, dir); len(got) != 0 {
			t.Errorf("preopened directory changed: %q", got)
		}
	})
}
