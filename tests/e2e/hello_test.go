package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const helloStderr = "hello: this line goes to stderr\n"

// Arguments (including an empty one and one that looks like a wasinet flag)
// and --env reach the guest; stdout and stderr stay apart; exit code 3.
func TestHelloArgsEnvStdioExitCode(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		r := run(t, opts{}, "run", "--no-ca-certs", "--env", "HELLO_GREETING=hi there", "--env", "OTHER=1",
			g, "first", "two words", "--dir", "", "-v")
		expectCode(t, r, 3)
		expectStdout(t, r, "argc=6\narg1=first\narg2=two words\narg3=--dir\narg4=\narg5=-v\n"+
			"HELLO_GREETING=hi there\nenvcount=2\n")
		if r.stderr != helloStderr {
			t.Errorf("stderr %q, want %q", r.stderr, helloStderr)
		}
	})
}

// `--` ends wasinet's options: what follows is the module and its arguments.
func TestHelloAfterDoubleDash(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		r := run(t, opts{}, "run", "--no-ca-certs", "--", g, "--", "x")
		expectCode(t, r, 3)
		expectStdout(t, r, "argc=3\narg1=--\narg2=x\nHELLO_GREETING unset\nenvcount=0\n")
	})
}

// Without --env or --inherit-env the guest sees no host variables; `--env K`
// copies K from the host; --inherit-env passes the whole environment.
// (A guest granted no network gets no SSL_CERT_FILE anyway, see
// defaults_test.go; --no-ca-certs here keeps the counts independent of it.)
func TestHelloEnvironment(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		host := opts{env: []string{"HELLO_GREETING=from the host"}}

		r := run(t, host, "run", "--no-ca-certs", g)
		expectCode(t, r, 3)
		expectStdout(t, r, "argc=1\nHELLO_GREETING unset\nenvcount=0\n")

		r = run(t, host, "run", "--no-ca-certs", "--env", "HELLO_GREETING", g)
		expectCode(t, r, 3)
		expectStdout(t, r, "argc=1\nHELLO_GREETING=from the host\nenvcount=1\n")

		// The process environment set up by wasinetCmd: PATH, HOME,
		// WASINET_CACHE_DIR, plus the extra variable.
		r = run(t, host, "run", "--no-ca-certs", "--inherit-env", g)
		expectCode(t, r, 3)
		expectStdout(t, r, "argc=1\nHELLO_GREETING=from the host\nenvcount=4\n")

		// --env after --inherit-env overrides the inherited value.
		r = run(t, host, "run", "--no-ca-certs", "--inherit-env", "--env", "HELLO_GREETING=override", g)
		expectCode(t, r, 3)
		if !strings.Contains(r.stdout, "HELLO_GREETING=override\n") || !strings.Contains(r.stdout, "envcount=4\n") {
			t.Errorf("stdout %q: want HELLO_GREETING=override and envcount=4", r.stdout)
		}
	})
}

// Many arguments of some size arrive intact and in order.
func TestHelloManyArgs(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		args := []string{"run", "--no-ca-certs", g}
		want := "argc=201\n"
		for i := 1; i <= 200; i++ {
			a := fmt.Sprintf("%d:%s", i, strings.Repeat("x", i))
			args = append(args, a)
			want += fmt.Sprintf("arg%d=%s\n", i, a)
		}
		r := run(t, opts{}, args...)
		expectCode(t, r, 3)
		expectStdout(t, r, want+"HELLO_GREETING unset\nenvcount=0\n")
	})
}

// Regression: a guest writing to a stdout whose reader has gone (as in
// `wasinet run app.wasm | head -1`) gets EPIPE; the host must not be killed
// by SIGPIPE, and the guest's own exit code still comes through.
func TestStdoutReaderGoneIsEpipeNotSigpipe(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		args := []string{"run", "--no-ca-certs", g}
		for i := 0; i < 2000; i++ {
			args = append(args, strings.Repeat("y", 200)) // ~400 KiB of stdout
		}
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		pr.Close() // nobody will ever read
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := wasinetCmd(ctx, t, opts{}, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = pw, &stderr
		err = cmd.Run()
		pw.Close()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("wasinet was killed by %v; stderr: %s", ws.Signal(), stderr.String())
			}
		}
		if code := cmd.ProcessState.ExitCode(); code != 3 {
			t.Errorf("exit %d, want the guest's 3; stderr: %s", code, stderr.String())
		}
	})
}
