package e2e

// The guest's working directory and relative --dir (issue 15): a relative
// HOST without ::GUEST is seen at "/" plus its cleaned path, and the guest
// then works in "/", the host's working directory; the host's own
// directories (/etc, /etc/ssl/certs) are never the working directory. Run
// from a temporary working directory, with Go (which takes $PWD, else the
// first preopen) and plain wasi-libc (always "/").

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// workTree is a working directory holding a.txt and data/a.txt.
func workTree(t *testing.T) string {
	t.Helper()
	work := t.TempDir()
	if err := os.Mkdir(filepath.Join(work, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeHostFile(t, filepath.Join(work, "a.txt"), "top\n")
	writeHostFile(t, filepath.Join(work, "data", "a.txt"), "in data\n")
	return work
}

// expectNotThere checks that the guest could not open name: exit 1, its
// line says "no such file" (ENOENT: "/" exists and holds nothing else, so
// the name is looked up and not found).
func expectNotThere(t *testing.T, r result, name string) {
	t.Helper()
	expectCode(t, r, 1)
	line := ""
	for _, l := range lines(r.stdout) {
		if strings.HasPrefix(l, name+": ") {
			line = l
		}
	}
	if !strings.Contains(strings.ToLower(line), "no such file") {
		t.Errorf("%s: %q, want a \"no such file\" error\n%s", name, line, r)
	}
}

// Issue 15: `cd data; wasinet run --dir . app.wasm a.txt` gave Go a
// working directory of "." and "Bad file number"; `--dir data` opened
// data/data/a.txt.
func TestWorkdirRelativeDir(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "workdir")
		work := workTree(t)
		const rootPwd = "getwd=/\nPWD=/\n"

		t.Run("dot", func(t *testing.T) {
			r := run(t, opts{dir: work}, "run", "--dir", ".", g, "a.txt", "data/a.txt", "/a.txt", "./data/../a.txt")
			expectCode(t, r, 0)
			expectStdout(t, r, rootPwd+"a.txt: top\ndata/a.txt: in data\n/a.txt: top\n./data/../a.txt: top\n")
		})
		t.Run("dot_inside_data", func(t *testing.T) {
			r := run(t, opts{dir: filepath.Join(work, "data")}, "run", "--dir", ".", g, "a.txt")
			expectCode(t, r, 0)
			expectStdout(t, r, rootPwd+"a.txt: in data\n")
		})
		for _, d := range []string{"data", "./data", "data/", "./x/../data:ro"} {
			d := d
			t.Run(strings.NewReplacer("/", "_", ".", "dot", ":", "_").Replace(d), func(t *testing.T) {
				if err := os.MkdirAll(filepath.Join(work, "x"), 0o755); err != nil {
					t.Fatal(err)
				}
				r := run(t, opts{dir: work}, "run", "--dir", d, g, "data/a.txt", "/data/a.txt")
				expectCode(t, r, 0)
				expectStdout(t, r, rootPwd+"data/a.txt: in data\n/data/a.txt: in data\n")
				// "/" is an empty directory: the host's a.txt is not there.
				expectNotThere(t, run(t, opts{dir: work}, "run", "--dir", d, g, "a.txt"), "a.txt")
			})
		}
	})
}

// The working directory of an absolute first --dir (Go: that directory;
// wasi-libc: "/") and the operator's own PWD are left as they were.
func TestWorkdirAbsoluteDirAndOperatorsPwd(t *testing.T) {
	work := workTree(t)
	data := filepath.Join(work, "data")
	t.Run("go_absolute", func(t *testing.T) {
		r := run(t, opts{}, "run", "--dir", data, guest(t, "go", "workdir"), "a.txt")
		expectCode(t, r, 0)
		expectStdout(t, r, "getwd="+data+"\nPWD unset\na.txt: in data\n")
	})
	t.Run("c_absolute", func(t *testing.T) {
		r := run(t, opts{}, "run", "--dir", data, guest(t, "c", "workdir"), data+"/a.txt")
		expectCode(t, r, 0)
		expectStdout(t, r, "getwd=/\nPWD unset\n"+data+"/a.txt: in data\n")
	})
	t.Run("go_operators_pwd", func(t *testing.T) {
		r := run(t, opts{dir: work}, "run", "--dir", "./data", "--env", "PWD=/data", guest(t, "go", "workdir"), "a.txt")
		expectCode(t, r, 0)
		expectStdout(t, r, "getwd=/data\nPWD=/data\na.txt: in data\n")
	})
}

// Issue 15: with no --dir, Go worked in the host-made /etc preopen (a
// relative "hosts" opened the copy of /etc/hosts). Now it works in an
// empty "/", with no variable added; with no host-made directory either,
// the guest has no preopen and an empty environment.
func TestWorkdirWithoutDir(t *testing.T) {
	if !hostHasDNSFiles() {
		t.Skip("this host has neither /etc/hosts nor /etc/resolv.conf: no /etc preopen")
	}
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "workdir")
		// --allow-dns: the host-made /etc is only for a guest that may resolve.
		r := run(t, opts{}, "run", "--allow-dns", "--no-ca-certs", g)
		expectCode(t, r, 0)
		expectStdout(t, r, "getwd=/\nPWD unset\n")
		r = run(t, opts{}, "run", "--allow-dns", "--no-ca-certs", g, "hosts")
		expectNotThere(t, r, "hosts")
		if r := run(t, opts{}, "run", "--allow-dns", "--no-ca-certs", g, "/etc/hosts"); r.code != 0 {
			t.Errorf("/etc/hosts is no longer readable\n%s", r)
		}

		// Nothing host-made: no preopen, no PWD. Go then has no working
		// directory at all (""); wasi-libc's is "/". So it is with the
		// files turned off, and for a guest granted no outbound network.
		want := map[string]string{"go": "getwd=\nPWD unset\n", "c": "getwd=/\nPWD unset\n"}[lang]
		for _, flags := range [][]string{{"--allow-dns", "--no-dns-files", "--no-ca-certs"}, nil} {
			r = run(t, opts{}, append(append([]string{"run"}, flags...), g)...)
			expectCode(t, r, 0)
			expectStdout(t, r, want)
		}
	})
}

// --dir mistakes are usage errors: exit 2 and one line, before anything
// runs. (Issue 15: `--dir ./data::/data:RO` mounted a writable /data:RO,
// `--dir ”` exited 125.)
func TestWorkdirDirFlagMistakes(t *testing.T) {
	t.Parallel()
	g := guest(t, "c", "hello")
	work := workTree(t)
	for _, c := range []struct{ value, mention string }{
		{"", "--dir '': empty"},
		{"./data::/data:RO", `unknown suffix ":RO"`},
		{"./data::/data:xyz", `unknown suffix ":xyz"`},
		{"/srv/data:RO", `did you mean ":ro"?`},
		{"..", "needs a guest path"},
		{"../x", "--dir ../x::/data"},
		{"::/data", "--dir ::/data"},
	} {
		r := run(t, opts{dir: work}, "run", "--dir", c.value, g)
		expectOneLineError(t, r, exitUsage, c.mention)
	}
	// :rw is the default written out; :ro still makes it read-only.
	r := run(t, opts{dir: work}, "run", "--dir", "./data::/data:rw", guest(t, "go", "workdir"), "/data/a.txt")
	expectCode(t, r, 0)
}
