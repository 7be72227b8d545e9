package shim

// Real guests in pods: what the OCI process gives the guest.

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The pod's args, env, stdout, stderr and exit code pass through.
func TestPodArgsEnvExitStdout(t *testing.T) {
	r := runContainer(t, node{cacheDir: "none"}, helloImage(t), []string{"HELLO_GREETING=hi"},
		"/app.wasm", "one", "two words")
	for _, want := range []string{"argc=3\n", "arg1=one\n", "arg2=two words\n", "HELLO_GREETING=hi\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q on stdout", want)
		}
	}
	if !strings.Contains(r.stderr, "hello: this line goes to stderr") {
		t.Errorf("the guest's stderr line is missing")
	}
	if r.code != 3 || t.Failed() {
		t.Fatalf("want exit 3 (the guest's) and the lines above: %s", r)
	}
}

// The guest's environment is the container's (the image's ENV, the pod's
// env, what ctr adds), never the shim's own; its one preopen is the
// container's root filesystem at /.
func TestPodEnvIsTheContainers(t *testing.T) {
	im := image{
		name:       "fd-probe",
		files:      map[string][]byte{"app.wasm": guest(t, "fd_probe")},
		entrypoint: []string{"/app.wasm"},
		env:        []string{"FROM_IMAGE=1"},
	}
	r := runContainer(t, node{cacheDir: "none"}, im, []string{"FROM_POD=1"}, "/app.wasm")
	if r.code != 0 {
		t.Fatalf("fd_probe: %s", r)
	}
	var env, preopens []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if name, ok := strings.CutPrefix(line, "env "); ok {
			env = append(env, name)
		}
		if p, ok := strings.CutPrefix(line, "preopen "); ok {
			preopens = append(preopens, p)
		}
	}
	// ctr sets HOSTNAME with --net-host.
	if got, want := strings.Join(env, " "), "FROM_IMAGE FROM_POD HOSTNAME"; got != want {
		t.Errorf("the guest's environment is %q, want %q", got, want)
	}
	if got, want := strings.Join(preopens, ", "), "3 /"; got != want {
		t.Errorf("the guest's preopens are %q, want %q", got, want)
	}
	if t.Failed() {
		t.Logf("%s", r)
	}
}

// The module as the image's wasm layer (containerd >= 1.6.25): the same
// pass-through as a module in the root file system.
func TestPodWasmLayer(t *testing.T) {
	v, text, err := ctd.version()
	if err != nil {
		t.Fatal(err)
	}
	if !atLeast(v, [3]int{1, 6, 25}) {
		t.Skipf("containerd %s cannot import an image with a wasm layer (1.6.25 or later can)", text)
	}
	im := image{name: "hello-layer", wasmLayer: guest(t, "hello"), entrypoint: []string{"/hello.wasm"}}
	r := runContainer(t, node{cacheDir: "none"}, im, []string{"HELLO_GREETING=layer"}, "/hello.wasm", "one")
	if r.code != 3 || !strings.Contains(r.stdout, "arg1=one\n") || !strings.Contains(r.stdout, "HELLO_GREETING=layer\n") {
		t.Fatalf("want exit 3, `arg1=one` and `HELLO_GREETING=layer`: %s", r)
	}
}

// The compiled module goes to the node's cache directory (opened by the
// shim before the container exists), not into the container: a second
// start of the same image finds it there and adds nothing.
func TestPodModuleCacheOnTheNode(t *testing.T) {
	cache := t.TempDir()
	n := node{cacheDir: cache}
	entries := func() []string {
		var names []string
		filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				names = append(names, fmt.Sprintf("%s %d", p, info.ModTime().UnixNano()))
			}
			return nil
		})
		return names
	}
	if r := runContainer(t, n, helloImage(t), nil, "/app.wasm"); r.code != 3 {
		t.Fatalf("first start: %s", r)
	}
	first := entries()
	if len(first) == 0 {
		t.Fatalf("nothing was cached in the node's directory %s", cache)
	}
	if r := runContainer(t, n, helloImage(t), nil, "/app.wasm"); r.code != 3 {
		t.Fatalf("second start: %s", r)
	}
	if second := entries(); strings.Join(second, "\n") != strings.Join(first, "\n") {
		t.Errorf("the second start changed the cache:\nbefore %v\nafter  %v", first, second)
	}
}
