package shim

// The CRI path, as kubelet drives it: a containerd with its CRI plugin and
// a runtime handler "wasinet" whose runtime type is the shim
// (io.containerd.wasinet.v1, found on containerd's PATH under its binary
// name), a pod sandbox (`crictl runp`: the native pause container,
// through the shim), and a wasm container in it (`crictl create`,
// `start`): its args, env, log and exit code come back through CRI. The
// pod uses the node's network namespace (no CNI).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crictlRun runs crictl against c; Fatal on failure.
func crictlRun(t *testing.T, crictl string, c *containerd, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--runtime-endpoint", "unix://" + c.sock, "--image-endpoint", "unix://" + c.sock,
		"--timeout", "60s"}, args...)
	cmd := exec.CommandContext(ctx, crictl, full...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("crictl %s: %v\n%s%s\n(containerd log: %s)", strings.Join(args, " "), err, out, stderr.String(),
			c.log.Name())
	}
	return strings.TrimSpace(string(out))
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCRIPodRunsGuest(t *testing.T) {
	crictl := os.Getenv("CRICTL")
	if crictl == "" {
		t.Skip("CRICTL is not set (ctest sets it to the crictl scripts/setup.sh builds)")
	}
	if _, err := os.Stat(crictl); err != nil {
		if os.Getenv("WASINET_SHIM_REQUIRED") == "1" {
			t.Fatalf("crictl: %v (scripts/setup.sh builds it from the Go module proxy)", err)
		}
		t.Skipf("crictl: %v (scripts/setup.sh builds it from the Go module proxy)", err)
	}
	// The shim under its runtime name on containerd's PATH (the wrapper
	// turns the node's cache off for the test).
	wrapper := node{cacheDir: "none"}.runtime(t)
	t.Setenv("PATH", filepath.Dir(wrapper)+":"+os.Getenv("PATH"))

	dir := filepath.Join(workDir, "cri-"+fmt.Sprint(time.Now().UnixNano()))
	pause := pauseImage(t)
	// restrict_oom_score_adj: CRI gives a pod's sandbox oom_score_adj -998,
	// which this machine's kernel (gVisor) refuses (EIO for any negative
	// value, as `echo -998 > /proc/self/oom_score_adj` shows); restricted,
	// it is never below containerd's own (0). Real nodes need no such line.
	cri := fmt.Sprintf(`  sandbox_image = %q
  restrict_oom_score_adj = true
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "wasinet"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.wasinet]
  runtime_type = "io.containerd.wasinet.v1"
[plugins."io.containerd.grpc.v1.cri".cni]
  conf_dir = %q
`, pause.ref(), filepath.Join(dir, "cni"))
	c, err := startContainerd(lookEnv("CONTAINERD", "containerd"), lookEnv("CTR", "ctr"), dir, cri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop()
	importImageInto(t, c, pause)
	hello := helloImage(t)
	importImageInto(t, c, hello)

	logs := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	podConfig := map[string]any{
		"metadata":      map[string]any{"name": "wasinet-cri", "namespace": "default", "uid": "wasinet-cri-1", "attempt": 0},
		"log_directory": logs,
		// 2: NODE, the host's network namespace (no CNI).
		"linux": map[string]any{"security_context": map[string]any{"namespace_options": map[string]any{"network": 2}}},
	}
	containerConfig := map[string]any{
		"metadata": map[string]any{"name": "hello"},
		"image":    map[string]any{"image": hello.ref()},
		"command":  []string{"/app.wasm", "from-cri"},
		"envs":     []map[string]string{{"key": "HELLO_GREETING", "value": "through CRI"}},
		"log_path": "hello.log",
	}
	podJSON, ctrJSON := filepath.Join(dir, "pod.json"), filepath.Join(dir, "container.json")
	writeJSON(t, podJSON, podConfig)
	writeJSON(t, ctrJSON, containerConfig)

	pod := crictlRun(t, crictl, c, "runp", "--runtime", "wasinet", podJSON)
	defer func() {
		crictlRun(t, crictl, c, "stopp", pod)
		crictlRun(t, crictl, c, "rmp", pod)
	}()
	id := crictlRun(t, crictl, c, "create", pod, ctrJSON, podJSON)
	crictlRun(t, crictl, c, "start", id)

	var state struct {
		Status struct {
			State    string `json:"state"`
			ExitCode int    `json:"exitCode"`
		} `json:"status"`
	}
	deadline := time.Now().Add(time.Minute)
	for {
		out := crictlRun(t, crictl, c, "inspect", "-o", "json", id)
		if err := json.Unmarshal([]byte(out), &state); err != nil {
			t.Fatalf("crictl inspect: %v\n%s", err, out)
		}
		if state.Status.State == "CONTAINER_EXITED" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if state.Status.State != "CONTAINER_EXITED" || state.Status.ExitCode != 3 {
		t.Fatalf("container %s: state %s, exit %d; want EXITED, 3 (hello's)", id, state.Status.State, state.Status.ExitCode)
	}
	out := crictlRun(t, crictl, c, "logs", id)
	for _, want := range []string{"arg1=from-cri", "HELLO_GREETING=through CRI"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the container's log (stdout):\n%s", want, out)
		}
	}
	// The log file kubelet reads, in CRI's format: both streams.
	raw, err := os.ReadFile(filepath.Join(logs, "hello.log"))
	if err != nil || !strings.Contains(string(raw), " stderr F hello: this line goes to stderr") {
		t.Errorf("the CRI log file lacks the guest's stderr line: %v\n%s", err, raw)
	}
	crictlRun(t, crictl, c, "rm", id)
}
