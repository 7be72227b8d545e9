package shim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// node is what the shim takes from the node (src/shim/node.rs), passed to
// it through a wrapper script that ctr runs as the runtime: each test gets
// its own without restarting containerd.
type node struct {
	policy   string // WASINET_NODE_POLICY: the ceiling's path ("" = the default)
	cacheDir string // WASINET_CACHE_DIR ("" = the default; "none" = no cache)
	dryRun   bool   // WASINET_SHIM_DRY_RUN=1
}

// runtime writes the wrapper for n and returns its path.
func (n node) runtime(t *testing.T) string {
	t.Helper()
	var env []string
	if n.policy != "" {
		env = append(env, "WASINET_NODE_POLICY="+shellQuote(n.policy))
	}
	switch n.cacheDir {
	case "":
	case "none":
		env = append(env, "WASINET_CACHE_DIR=")
	default:
		env = append(env, "WASINET_CACHE_DIR="+shellQuote(n.cacheDir))
	}
	if n.dryRun {
		env = append(env, "WASINET_SHIM_DRY_RUN=1")
	}
	script := "#!/bin/sh\n"
	if len(env) > 0 {
		script += "export " + strings.Join(env, " ") + "\n"
	}
	script += "exec " + shellQuote(shimBin) + ` "$@"` + "\n"
	path := filepath.Join(t.TempDir(), "containerd-shim-wasinet-v1")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var imported sync.Map // containerd socket + " " + image ref -> true

// importImage builds im and imports it (once per test run).
func importImage(t *testing.T, im image) { importImageInto(t, ctd, im) }

// importImageInto imports im into c (once per test run).
func importImageInto(t *testing.T, c *containerd, im image) {
	t.Helper()
	key := c.sock + " " + im.ref()
	if _, ok := imported.Load(key); ok {
		return
	}
	path := filepath.Join(workDir, im.name+".tar")
	if _, err := os.Stat(path); err != nil {
		if err := im.writeTar(path); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := []string{"image", "import"}
	if im.wasmLayer != nil {
		// ctr keeps only the machine's platform (linux/amd64) otherwise.
		args = append(args, "--all-platforms")
	}
	start := time.Now()
	if _, err := c.run(ctx, append(args, path)...); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err == nil {
		t.Logf("imported %s (%d bytes) in %v", im.ref(), st.Size(), time.Since(start).Round(time.Millisecond))
	}
	imported.Store(key, true)
}

var containerSeq struct {
	sync.Mutex
	n int
}

// containerID names a container after the test, unique within the run.
func containerID(t *testing.T) string {
	containerSeq.Lock()
	defer containerSeq.Unlock()
	containerSeq.n++
	name := strings.NewReplacer("/", "-", "_", "-").Replace(strings.ToLower(t.Name()))
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("%s-%d", name, containerSeq.n)
}

// runArgs is `ctr run --rm --net-host` of im through n's wrapper: env as
// `--env K=V`, args as the process args (the module's path first, as a
// pod's command would give it).
func runArgs(t *testing.T, n node, im image, id string, env []string, args []string) []string {
	t.Helper()
	importImage(t, im)
	ctrArgs := []string{"run", "--rm", "--net-host", "--runtime", n.runtime(t)}
	if im.wasmLayer != nil {
		ctrArgs = append(ctrArgs, "--platform", wasmPlatform)
	}
	for _, e := range env {
		ctrArgs = append(ctrArgs, "--env", e)
	}
	ctrArgs = append(ctrArgs, im.ref(), id)
	return append(ctrArgs, args...)
}

// runContainer runs im to its end (see runArgs). ctr removes the container
// afterwards, whatever happened.
func runContainer(t *testing.T, n node, im image, env []string, args ...string) result {
	t.Helper()
	ctrArgs := runArgs(t, n, im, containerID(t), env, args)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	r, err := ctd.run(ctx, ctrArgs...)
	if err != nil && r.code < 0 {
		t.Fatal(err)
	}
	t.Logf("ctr run %s: exit %d after %v", im.ref(), r.code, time.Since(start).Round(time.Millisecond))
	return r
}

// running is a container started by startContainer: ctr run is still
// attached to it; stdout is what it printed so far; done delivers its
// result when the container has ended.
type running struct {
	id     string
	stdout liveBuffer
	done   chan result
}

// startContainer starts im as runContainer would and returns once its
// task is RUNNING and its stdout holds ready (a line the program prints
// when it is set up: a signal sent earlier could find no handler yet, and
// PID 1 of a PID namespace ignores signals it does not handle). The
// test's cleanup kills and waits for it if the test did not.
func startContainer(t *testing.T, n node, im image, ready string, env []string, args ...string) *running {
	t.Helper()
	r := &running{id: containerID(t), done: make(chan result, 1)}
	ctrArgs := runArgs(t, n, im, r.id, env, args)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	go func() {
		var errOut liveBuffer
		res, _ := ctd.runStreams(ctx, &r.stdout, &errOut, ctrArgs...)
		r.done <- res
	}()
	t.Cleanup(func() {
		defer cancel()
		select {
		case res := <-r.done:
			r.done <- res
			return
		default:
		}
		ctd.run(context.Background(), "task", "kill", "--signal", "SIGKILL", r.id)
		select {
		case res := <-r.done:
			r.done <- res
		case <-time.After(30 * time.Second):
			t.Errorf("container %s still running 30 s after SIGKILL", r.id)
		}
	})
	deadline := time.Now().Add(time.Minute)
	for {
		status, err := taskStatus(r.id)
		if err != nil {
			t.Fatal(err)
		}
		if status == "RUNNING" && strings.Contains(r.stdout.String(), ready) {
			return r
		}
		select {
		case res := <-r.done:
			r.done <- res // for the cleanup
			t.Fatalf("container %s ended before it was seen RUNNING with %q on its stdout: %s", r.id, ready, res)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: not RUNNING with %q on its stdout within a minute (task status %q, stdout %q)",
				r.id, ready, status, r.stdout.String())
		}
	}
}

// wait returns the container's result, failing the test if it has not
// ended within d.
func (r *running) wait(t *testing.T, d time.Duration) result {
	t.Helper()
	select {
	case res := <-r.done:
		r.done <- res // for the cleanup
		return res
	case <-time.After(d):
		t.Fatalf("container %s still running after %v", r.id, d)
		return result{}
	}
}

// kill sends signal (SIGTERM, SIGKILL) to the container's task, as
// `ctr task kill` (and a pod's deletion) does.
func (r *running) kill(t *testing.T, signal string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := ctd.run(ctx, "task", "kill", "--signal", signal, r.id); err != nil {
		t.Fatal(err)
	}
}

// taskStatus is the STATUS column of `ctr task ls` for id ("" when it has
// no task).
func taskStatus(id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := ctd.run(ctx, "task", "ls")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == id {
			return f[2], nil
		}
	}
	return "", nil
}

// planLines are the `wasinet-plan:` lines of a dry run, without the prefix.
func planLines(stdout string) []string {
	var lines []string
	for _, l := range strings.Split(stdout, "\n") {
		if rest, ok := strings.CutPrefix(l, "wasinet-plan: "); ok {
			lines = append(lines, rest)
		}
	}
	return lines
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func fnv1a64(data []byte) uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, b := range data {
		h = (h ^ uint64(b)) * 0x100000001b3
	}
	return h
}
