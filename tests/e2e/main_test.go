// Package e2e runs the real wasinet CLI on the real guests built from
// tests/guests and checks their stdout, stderr and exit codes.
//
// Environment (set by ctest, see tests/CMakeLists.txt):
//
//	WASINET      the wasinet binary
//	GUESTS       the folder holding go/NAME.wasm and c/NAME.wasm
//	GUEST_LANGS  the guest languages that were built ("go c rust"); tests of a
//	             language not listed are skipped (default: both)
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	wasinet   string // absolute path of the binary
	guestsDir string // absolute path of the built guests
	langs     = map[string]bool{"go": true, "c": true, "rust": true}
	// A module cache shared by the tests that do not test the cache itself,
	// so each guest is compiled once per `go test` run and the user's own
	// cache is left alone.
	sharedCache string
	// Run after all tests (e.g. removing the overlay tests' build directory).
	cleanups []func()
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	var err error
	if wasinet, err = absFromEnv("WASINET"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	if guestsDir, err = absFromEnv("GUESTS"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	if l, ok := os.LookupEnv("GUEST_LANGS"); ok {
		langs = map[string]bool{}
		for _, f := range strings.Fields(l) {
			langs[f] = true
		}
	}
	sharedCache, err = os.MkdirTemp("", "wasinet-e2e-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	defer os.RemoveAll(sharedCache)
	defer func() {
		for _, f := range cleanups {
			f()
		}
	}()
	return m.Run()
}

func absFromEnv(name string) (string, error) {
	v := os.Getenv(name)
	if v == "" {
		return "", fmt.Errorf("$%s is not set (run through ctest, or see tests/README.md)", name)
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("$%s: %v", name, err)
	}
	return abs, nil
}

// guest returns the path of a built guest; it fails the test when the guest
// should have been built but is missing.
func guest(t *testing.T, lang, name string) string {
	t.Helper()
	if !langs[lang] {
		t.Skipf("%s guests were not built (see the configure warnings)", lang)
	}
	p := filepath.Join(guestsDir, lang, name+".wasm")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest %s/%s not built: %v", lang, name, err)
	}
	return p
}

// forEachLang runs f as a subtest per guest language.
func forEachLang(t *testing.T, f func(t *testing.T, lang string)) {
	for _, lang := range []string{"go", "c"} {
		lang := lang
		t.Run(lang, func(t *testing.T) { f(t, lang) })
	}
}

type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s---", r.code, r.stdout, r.stderr)
}

type opts struct {
	stdin []byte   // nil: no input (/dev/null)
	dir   string   // working directory; default: a fresh temp dir
	env   []string // extra host environment for the wasinet process
}

// wasinetCmd builds the command; the process environment is minimal and
// names the shared module cache, so nothing depends on the caller's.
func wasinetCmd(ctx context.Context, t *testing.T, o opts, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, wasinet, args...)
	cmd.Dir = o.dir
	if cmd.Dir == "" {
		cmd.Dir = t.TempDir()
	}
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"WASINET_CACHE_DIR=" + sharedCache,
	}, o.env...)
	if o.stdin != nil {
		cmd.Stdin = bytes.NewReader(o.stdin)
	}
	return cmd
}

func finish(t *testing.T, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, start time.Time, err error) result {
	t.Helper()
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		r.code = exit.ExitCode()
	default:
		t.Fatalf("wasinet %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, r)
	}
	return r
}

// run runs wasinet with args and returns what it did.
func run(t *testing.T, o opts, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := wasinetCmd(ctx, t, o, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	return finish(t, cmd, &stdout, &stderr, start, err)
}

func expectCode(t *testing.T, r result, want int) {
	t.Helper()
	if r.code != want {
		t.Fatalf("exit code %d, want %d\n%s", r.code, want, r)
	}
}

func expectStdout(t *testing.T, r result, want string) {
	t.Helper()
	if r.stdout != want {
		t.Errorf("stdout:\n%q\nwant:\n%q\n%s", r.stdout, want, r)
	}
}

// Words that show an engine's insides leaked into a message meant for a person.
var engineInternals = []string{"wasmtime", "cranelift", "backtrace", "panicked", "caused by", "rust_"}

// expectOneLineError checks a refusal by wasinet itself: the exit code,
// nothing on stdout, exactly one "wasinet: ..." line on stderr that
// contains every `mention` and none of the engine's internals.
func expectOneLineError(t *testing.T, r result, code int, mention ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d", r.code, code)
	}
	if r.stdout != "" {
		t.Errorf("stdout not empty: %q", r.stdout)
	}
	msg := strings.TrimSuffix(r.stderr, "\n")
	switch {
	case msg == "":
		t.Errorf("stderr is empty, want one line")
	case strings.Contains(msg, "\n"):
		t.Errorf("stderr has %d lines, want one:\n%s", strings.Count(msg, "\n")+1, r.stderr)
	case !strings.HasSuffix(r.stderr, "\n"):
		t.Errorf("stderr does not end with a newline: %q", r.stderr)
	}
	if !strings.HasPrefix(msg, "wasinet: ") {
		t.Errorf("stderr does not start with \"wasinet: \": %q", msg)
	}
	lower := strings.ToLower(msg)
	for _, w := range engineInternals {
		if strings.Contains(lower, w) {
			t.Errorf("stderr shows engine internals (%q): %q", w, msg)
		}
	}
	for _, m := range mention {
		if !strings.Contains(msg, m) {
			t.Errorf("stderr does not mention %q: %q", m, msg)
		}
	}
}

// lines splits output into lines without the final empty one.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
