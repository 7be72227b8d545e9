package shim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// containerd is a containerd of the tests' own: its root, state, sockets
// and config live under dir, and it runs no CRI plugin. It shares with the
// machine only what containerd cannot relocate: shim sockets under
// /run/containerd/s (named by a hash of this containerd's address) and the
// shim's container state under /run/containerd/wasinet/NAMESPACE (the tests'
// namespace is theirs alone).
type containerd struct {
	bin, ctr  string
	dir, sock string
	namespace string
	cmd       *exec.Cmd
	log       *os.File
}

// startContainerd starts one without its CRI plugin when cri is "";
// otherwise cri is the plugin's configuration (TOML below
// [plugins."io.containerd.grpc.v1.cri"]) and ctr works in the namespace
// the CRI plugin uses, k8s.io.
func startContainerd(bin, ctr, dir, cri string) (*containerd, error) {
	c := &containerd{
		bin: bin, ctr: ctr, dir: dir,
		sock:      filepath.Join(dir, "containerd.sock"),
		namespace: fmt.Sprintf("wasinet-test-%d", os.Getpid()),
	}
	disabled, plugins := `disabled_plugins = ["io.containerd.grpc.v1.cri"]`, ""
	if cri != "" {
		c.namespace = "k8s.io"
		disabled, plugins = "", "[plugins.\"io.containerd.grpc.v1.cri\"]\n"+cri
	}
	config := fmt.Sprintf(`version = 2
root = %[1]q
state = %[2]q
%[7]s
[grpc]
  address = %[3]q
[ttrpc]
  address = %[4]q
[debug]
  address = %[5]q
  level = "info"
[metrics]
  address = ""
%[6]s
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), c.sock, c.sock+".ttrpc",
		filepath.Join(dir, "debug.sock"), plugins, disabled)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	configPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		return nil, err
	}
	var err error
	if c.log, err = os.Create(filepath.Join(dir, "containerd.log")); err != nil {
		return nil, err
	}
	c.cmd = exec.Command(bin, "--config", configPath)
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	// Its own process group: a test run interrupted by ctest's timeout
	// does not leave it holding the terminal's signals.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := c.run(context.Background(), "version"); err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("containerd did not answer on %s within 20 s (log: %s)", c.sock, c.log.Name())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends containerd (SIGTERM, then SIGKILL after 10 s). Its shims are
// separate processes: the tests delete their containers first.
func (c *containerd) stop() error {
	if c.cmd == nil || c.cmd.Process == nil {
		return nil
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
		return errors.New("containerd did not stop on SIGTERM within 10 s")
	}
	c.log.Close()
	return nil
}

// result is what a ctr command gave.
type result struct {
	stdout, stderr string
	code           int // exit status; -1 if ctr did not run or was killed
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs ctr against this containerd. err is set only when ctr could not
// run or exited non-zero; the result has the streams either way.
func (c *containerd) run(ctx context.Context, args ...string) (result, error) {
	var out, errOut liveBuffer
	return c.runStreams(ctx, &out, &errOut, args...)
}

// runStreams is run with ctr's output written to out and errOut as it
// comes (a test may watch a running container's stdout).
func (c *containerd) runStreams(ctx context.Context, out, errOut *liveBuffer, args ...string) (result, error) {
	full := append([]string{"--address", c.sock, "--namespace", c.namespace}, args...)
	cmd := exec.CommandContext(ctx, c.ctr, full...)
	cmd.Stdout, cmd.Stderr = out, errOut
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String(), code: -1}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
	}
	if err != nil {
		return r, fmt.Errorf("ctr %s: %w\n%s", strings.Join(args, " "), err, r)
	}
	return r, nil
}

// liveBuffer is a bytes.Buffer that one goroutine writes while another
// reads it.
type liveBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *liveBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *liveBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// version is containerd's (the server's) version, from `ctr version`:
// [major, minor, patch].
func (c *containerd) version() ([3]int, string, error) {
	var v [3]int
	r, err := c.run(context.Background(), "version")
	if err != nil {
		return v, "", err
	}
	_, server, ok := strings.Cut(r.stdout, "Server:")
	if !ok {
		return v, "", fmt.Errorf("ctr version: no Server section in %q", r.stdout)
	}
	for _, line := range strings.Split(server, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "Version:"); ok {
			text := strings.TrimSpace(rest)
			// "1.6.20~ds1" (Debian), "v2.2.9"
			core := strings.TrimPrefix(text, "v")
			if i := strings.IndexAny(core, "~-+"); i >= 0 {
				core = core[:i]
			}
			if _, err := fmt.Sscanf(core, "%d.%d.%d", &v[0], &v[1], &v[2]); err != nil {
				return v, text, fmt.Errorf("ctr version: cannot read %q: %v", text, err)
			}
			return v, text, nil
		}
	}
	return v, "", fmt.Errorf("ctr version: no server Version in %q", r.stdout)
}

// atLeast: v >= want, both [major, minor, patch].
func atLeast(v, want [3]int) bool {
	for i := range v {
		if v[i] != want[i] {
			return v[i] > want[i]
		}
	}
	return true
}
