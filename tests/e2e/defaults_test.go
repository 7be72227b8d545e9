package e2e

// What an existing WASI program sees by default, and that it runs as it
// does on wasmtime (issue 17): nothing it was not given (no /etc, no CA
// bundle, no SSL_CERT_FILE without an outbound grant), EBADF from every
// call that moves bytes on anything but its own files and sockets,
// directories with their preopen's rights, and a stack deep enough for Go.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fd probe from 3 to 4095: a guest granted nothing (or only inbound)
// finds no fd at all and an empty environment; one granted outbound network
// finds exactly the read-only "/", /etc and CA preopens and SSL_CERT_FILE, and
// no fd it could write to, read from or seek on — the preopened
// directories answer EBADF to all of those, as in wasmtime.
func TestDefaultsFdProbe(t *testing.T) {
	// The operator's CA bundle, so that the CA preopen is there whatever
	// this host has; the DNS files are there when the host has either.
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	writeHostFile(t, bundle, "not really a certificate\n")
	host := opts{env: []string{"SSL_CERT_FILE=" + bundle}}
	// With no --dir, an empty read-only "/" comes first, so that Go never
	// works in /etc (issue 15).
	etc := ""
	next := 4
	if hostHasDNSFiles() {
		etc = "preopen 4 /etc\n"
		next = 5
	}
	granted := "preopen 3 /\n" + etc + fmt.Sprintf("preopen %d /etc/ssl/certs\n", next) + "env SSL_CERT_FILE\ndone\n"
	forEachLang(t, func(t *testing.T, lang string) {
		g := guest(t, lang, "fd_probe")
		for _, c := range []struct {
			name  string
			flags []string
			want  string
		}{
			{"no-grants", nil, "done\n"},
			{"allow-listen", []string{"--allow-listen=127.0.0.1:8080"}, "done\n"},
			{"allow-unix", []string{"--allow-unix=/tmp"}, "done\n"},
			{"allow-net", []string{"--allow-net"}, granted},
			{"allow-net-rule", []string{"--allow-net=10.0.0.0/8"}, granted},
			{"allow-dns", []string{"--allow-dns"}, granted},
			{"allow-net-no-files", []string{"--allow-net", "--no-dns-files", "--no-ca-certs"}, "done\n"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := run(t, host, concat([]string{"run"}, c.flags, []string{g})...)
				expectCode(t, r, 0)
				expectStdout(t, r, c.want)
			})
		}
		// What it is given, it sees: a --dir (read-write or not, still
		// EBADF for bytes) and an --env, nothing more.
		t.Run("given", func(t *testing.T) {
			d := t.TempDir()
			r := run(t, host, "run", "--dir", d+"::/data", "--dir", d+"::/ro:ro", "--env", "MODE=test", g)
			expectCode(t, r, 0)
			expectStdout(t, r, "preopen 3 /data\npreopen 4 /ro\nenv MODE\ndone\n")
		})
	})
}

// Directories as wasmtime has them (guests/{c,go}/dir_rights).
func TestDefaultsDirectoryRights(t *testing.T) {
	want := map[string]string{
		"c": `open_dir_for_writing errno=31
open_for_writing_a_dir errno=31
open_dir_trunc errno=28
open_dir_creat errno=28
open_dir_excl errno=28
open_sub_as_go_does errno=0
sub_rights_as_preopen same
create_truncate_through_sub errno=0
write_made errno=0
sub_fd_write errno=8
sub_fd_read errno=8
preopen_fd_write errno=8
open_ro_dir errno=0
ro_rights_as_preopen same
create_through_ro errno=76
ro_fd_write errno=8
done
`,
		"go": `open_root ok
root_create ok
root_write ok
root_open_truncate ok
root_mkdir_all ok
root_write_file ok
root_read_file ok
open_dir_for_writing errno=31
open_dir ok
read_dir errno=8
open_ro_root ok
ro_root_create errno=76
done
`,
	}
	forEachLang(t, func(t *testing.T, lang string) {
		g := guest(t, lang, "dir_rights")
		w, ro := t.TempDir(), t.TempDir()
		if err := os.Mkdir(filepath.Join(w, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		r := run(t, opts{}, "run", "--dir", w+"::/w", "--dir", ro+"::/r:ro", g)
		expectCode(t, r, 0)
		expectStdout(t, r, want[lang])
		if entries, _ := os.ReadDir(ro); len(entries) != 0 {
			t.Errorf("the read-only preopen was changed: %v", entries)
		}
		if _, err := os.Stat(filepath.Join(w, "sub", "made")); err != nil {
			t.Errorf("the file made through the opened directory is not there: %v", err)
		}
	})
}

// Go recurses deeply; the default 8 MiB of wasm stack holds 200,000 levels
// of a plain function (wasmtime's own 512 KiB default does not), and
// running out is one line naming the flag, exit 134, never a crash.
func TestDefaultsGoStack(t *testing.T) {
	g := guest(t, "go", "recurse")
	r := run(t, opts{}, "run", g, "200000")
	expectCode(t, r, 0)
	expectStdout(t, r, "depth 200000 ok\n")

	r = run(t, opts{}, "run", g, "forever")
	expectCode(t, r, 134)
	if want := "wasinet: recurse.wasm ran out of stack (--max-wasm-stack 8M)\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if !strings.HasPrefix(r.stdout, "depth 0\ndepth 10000\n") {
		t.Errorf("the guest did not recurse before it ran out\n%s", r)
	}

	r = run(t, opts{}, "run", "--max-wasm-stack", "512K", g, "200000")
	expectCode(t, r, 134)
	if want := "wasinet: recurse.wasm ran out of stack (--max-wasm-stack 512K)\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	r = run(t, opts{}, "run", "--max-wasm-stack", "64M", g, "1000000")
	expectCode(t, r, 0)
	expectStdout(t, r, "depth 1000000 ok\n")

	for _, bad := range []string{"0", "2G", "8X"} {
		r = run(t, opts{}, "run", "--max-wasm-stack", bad, g, "1")
		expectOneLineError(t, r, 2, "--max-wasm-stack")
	}
}
