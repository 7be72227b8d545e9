package e2e

// `wasinet run` and the embedding API build guests through one assembly
// (runtime::Guest, issue 16): the same guest with the same options sees the
// same fds, environment and limits, and ends with the same status, whether
// the CLI or an embedder (examples/embed/embed_run) runs it.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runEmbedded runs embed_run with args in dir, with the environment
// wasinetCmd gives wasinet plus env, and returns what it did. Its own last
// stderr line ("embed_run: exit code N") is dropped.
func runEmbedded(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, embedRun(t), args...)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"WASINET_CACHE_DIR=" + sharedCache,
	}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		r.code = exit.ExitCode()
	default:
		t.Fatalf("embed_run %s: %v\n%s", strings.Join(args, " "), err, r)
	}
	if i := strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n"); i >= 0 {
		r.stderr = r.stderr[:i+1]
	} else {
		r.stderr = ""
	}
	return r
}

func TestAssemblySameGuestThroughCLIAndEmbedding(t *testing.T) {
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	writeHostFile(t, bundle, "not really a certificate\n")
	data := probeDir(t)
	env := []string{"SSL_CERT_FILE=" + bundle}
	// embed_run gives the guest every network call; --allow-net and
	// --allow-listen are the CLI's closest grants (both reach out: both get
	// /etc and the CA bundle).
	for _, c := range []struct {
		name  string
		flags []string // the same words for both programs
		lang  string
		guest string
		args  []string
	}{
		{"fds-and-env", []string{"--dir", data + "::/data", "--env", "MODE=test"}, "c", "fd_probe", nil},
		{"go-fds-and-env", []string{"--env", "MODE=test"}, "go", "fd_probe", nil},
		{"max-fds", []string{"--dir", data + "::/data", "--max-fds", "20"}, "c", "limits_fds",
			[]string{"files", "/data/probe"}},
		{"max-conns", []string{"--max-conns", "5"}, "c", "limits_fds", []string{"sockets"}},
		{"max-memory", []string{"--max-memory", "16777216"}, "c", "limits_memory", []string{"grow"}},
		{"exit-code", nil, "c", "hello", []string{"one"}},
		{"trap", nil, "c", "trap", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !langs[c.lang] {
				t.Skipf("%s guests are not built in this run (GUEST_LANGS)", c.lang)
			}
			g := guest(t, c.lang, c.guest)
			dir := t.TempDir()
			cli := run(t, opts{dir: dir, env: env},
				concat([]string{"run", "--allow-net", "--allow-listen"}, c.flags, []string{g}, c.args)...)
			embedded := runEmbedded(t, dir, env, concat(c.flags, []string{g}, c.args)...)
			if cli.code != embedded.code {
				t.Errorf("exit code: wasinet run %d, embed_run %d\nwasinet run:\n%s\nembed_run:\n%s",
					cli.code, embedded.code, cli, embedded)
			}
			if cli.stdout != embedded.stdout {
				t.Errorf("stdout differs\nwasinet run:\n%s\nembed_run:\n%s", cli.stdout, embedded.stdout)
			}
			if cli.stdout == "" && c.guest != "trap" {
				t.Errorf("the guest printed nothing: the comparison shows nothing\n%s", cli)
			}
		})
	}
}
