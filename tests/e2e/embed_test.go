package e2e

// The embedding example (examples/embed/embed_run): a program that owns its
// wasmtime engine, store and linker and adds wasinet to the linker through
// the public API (include/wasinet/wasmtime.hh).

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// embedRun is $EMBED_RUN, or examples/embed_run beside the wasinet binary
// (where CMake builds it).
func embedRun(t *testing.T) string {
	t.Helper()
	p := os.Getenv("EMBED_RUN")
	if p == "" {
		p = filepath.Join(filepath.Dir(wasinet), "examples", "embed_run")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the embedding example is not built: %v (set $EMBED_RUN, or build the embed_run target)", err)
	}
	return p
}

// The guest's argv, environment, stdio and exit code pass through the
// embedder's linker as through wasinet run.
func TestEmbedHello(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "hello")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, embedRun(t), g, "one", "two words")
		// A CA bundle of our own: GuestOptions::ca_certs is on by default, so
		// the guest's environment holds exactly SSL_CERT_FILE.
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, []byte("test bundle\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "WASINET_CACHE_DIR=" + sharedCache, "SSL_CERT_FILE=" + ca}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 3 {
			t.Fatalf("embed_run: %v, want exit 3\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
		}
		if want := "argc=3\narg1=one\narg2=two words\nHELLO_GREETING unset\nenvcount=1\n"; stdout.String() != want {
			t.Errorf("stdout %q, want %q", stdout.String(), want)
		}
		if want := helloStderr + "embed_run: exit code 3\n"; stderr.String() != want {
			t.Errorf("stderr %q, want %q", stderr.String(), want)
		}
	})
}

// With a listener and the unrestricted network, the Go HTTP server guest
// serves curl through the embedder's linker.
func TestEmbedListener(t *testing.T) {
	g := guest(t, "go", "listener_http")
	// The Host shows the DNS files and the CA bundle by default, as wasinet
	// run does: the listener comes after them, and the guest finds it in
	// WASINET_LISTEN_FDS ("-").
	fd := defaultListenerFd()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, embedRun(t), "--listen", "127.0.0.1:0", g, "-", "tag")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "WASINET_CACHE_DIR=" + sharedCache,
		"SSL_CERT_FILE=" + testCABundle(t)}
	var stdout bytes.Buffer
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	})
	m := waitStderr(t, &stderr, exited, listeningRE)
	if m[3] != strconv.Itoa(fd) || !strings.HasPrefix(m[2], "tcp://127.0.0.1:") {
		t.Fatalf("listening on %s (fd %s), want tcp://127.0.0.1:PORT (fd %d)", m[2], m[3], fd)
	}
	base := "http://" + strings.TrimPrefix(m[2], "tcp://")
	body := curl(t, nil, base+"/hello", base+"/exit")
	if want := "hello from the guest: /hello\nGET tag\nbye\n"; body != want {
		t.Errorf("curl got %q, want %q", body, want)
	}
	select {
	case <-exited:
	case <-time.After(peerTimeout):
		t.Fatalf("embed_run still running after /exit; stderr:\n%s", stderr.String())
	}
	var exit *exec.ExitError
	if !errors.As(waitErr, &exit) || exit.ExitCode() != 7 {
		t.Errorf("embed_run: %v, want exit 7; stderr:\n%s", waitErr, stderr.String())
	}
	if !strings.HasSuffix(stderr.String(), "embed_run: exit code 7\n") {
		t.Errorf("stderr does not end with the exit code:\n%s", stderr.String())
	}
}

// The embedder sets the wasm stack on its own engine (set_max_wasm_stack)
// and calls the guest on a thread with room for it (run_with_wasm_stack):
// a Go guest then recurses as deep as under wasinet run.
func TestEmbedGoStack(t *testing.T) {
	g := guest(t, "go", "recurse")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, embedRun(t), g, "200000")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "WASINET_CACHE_DIR=" + sharedCache}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("embed_run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if want := "depth 200000 ok\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
}
