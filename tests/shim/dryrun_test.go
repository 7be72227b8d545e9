package shim

// Dry runs (WASINET_SHIM_DRY_RUN=1): the shim does everything but run the
// guest, and prints what it would hand to wasinet. These test the path
// from containerd to the container process: the module found in the
// rootfs, args and env, the reserved variables, the node's ceiling and
// cache directory opened before the container exists, and wasinet's C API
// answering across FFI inside the container.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// helloImage: tests/guests/go/hello at /app.wasm, carrying a node policy
// of its own at the node's path, which must never count.
func helloImage(t *testing.T) image {
	return image{
		name: "hello",
		files: map[string][]byte{
			"app.wasm":                     guest(t, "hello"),
			"etc/wasinet/node-policy.toml": []byte("# the image's own: must never count\nallow-net = true\nallow-listen = true\n"),
		},
		entrypoint: []string{"/app.wasm"},
		env:        []string{"FROM_IMAGE=1"},
	}
}

func TestDryRunPlan(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "node-policy.toml")
	policyText := []byte("allow-net = [\"127.0.0.1:9\"]\n")
	if err := os.WriteFile(policy, policyText, 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	r := runContainer(t, node{policy: policy, cacheDir: cache, dryRun: true}, helloImage(t),
		[]string{"HELLO_GREETING=hi", "WASINET_ALLOW_NET=127.0.0.1:9", "WASINET_ALLOW_DNS=1"},
		"/app.wasm", "one", "two words")
	if r.code != 0 {
		t.Fatalf("dry run: %s", r)
	}
	t.Logf("dry run: %s", r)
	lines := planLines(r.stdout)
	want := []string{
		fmt.Sprintf("module file /app.wasm (%d bytes)", len(guest(t, "hello"))),
		"arg /app.wasm", "arg one", "arg two words",
		"env HELLO_GREETING=hi", "env FROM_IMAGE=1",
		"allow-net 127.0.0.1:9", "allow-dns",
		// The node's file, read before the container existed, not the
		// image's file of the same name.
		fmt.Sprintf("ceiling %s (toml, %d bytes, fnv1a64=%016x)", policy, len(policyText), fnv1a64(policyText)),
		fmt.Sprintf("cache-dir %s (open)", cache),
	}
	for _, w := range want {
		if !hasLine(lines, w) {
			t.Errorf("no plan line %q in:\n%s", w, r)
		}
	}
	engine := false
	for _, l := range lines {
		if strings.Contains(l, "WASINET_") {
			t.Errorf("a reserved variable reached the guest's plan: %q", l)
		}
		engine = engine || strings.HasPrefix(l, "engine wasmtime-")
	}
	if !engine {
		t.Errorf("no engine line (wasinet's C API inside the container) in:\n%s", r)
	}
	if st, err := os.Stat(cache); err != nil || !st.IsDir() {
		t.Errorf("the shim did not create the node's cache directory %s: %v", cache, err)
	}
}

func TestDryRunWithoutNodePolicyHasNoCeiling(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.toml")
	r := runContainer(t, node{policy: missing, cacheDir: "none", dryRun: true}, helloImage(t), nil, "/app.wasm")
	lines := planLines(r.stdout)
	if r.code != 0 || !hasLine(lines, "ceiling none") || !hasLine(lines, "cache-dir none") {
		t.Fatalf("want exit 0, `ceiling none` and `cache-dir none`: %s", r)
	}
}

func TestUnknownReservedVariableIsRefused(t *testing.T) {
	r := runContainer(t, node{cacheDir: "none", dryRun: true}, helloImage(t),
		[]string{"WASINET_ALLOW_NETS=*"}, "/app.wasm")
	if r.code != 125 || !strings.Contains(r.stderr, "wasinet: WASINET_ALLOW_NETS: not a variable wasinet knows") {
		t.Fatalf("want exit 125 and a line naming WASINET_ALLOW_NETS: %s", r)
	}
}

func TestUnreadableNodePolicyStopsTheStart(t *testing.T) {
	// A directory where the file should be: it exists, and cannot be read.
	policy := t.TempDir()
	r := runContainer(t, node{policy: policy, cacheDir: "none"}, helloImage(t), nil, "/app.wasm")
	if r.code != 125 || !strings.Contains(r.stderr, "cannot read the node's network ceiling "+policy) {
		t.Fatalf("want exit 125 and a line naming %s: %s", policy, r)
	}
}

func TestUnusableCacheDirIsANoteNotAFailure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runContainer(t, node{cacheDir: file, dryRun: true}, helloImage(t), nil, "/app.wasm")
	if r.code != 0 || !hasLine(planLines(r.stdout), "cache-dir none") ||
		!strings.Contains(r.stderr, "wasinet: the node's module cache "+file+" cannot be used") {
		t.Fatalf("want exit 0, `cache-dir none` and a note naming %s: %s", file, r)
	}
}

// An image whose one layer is the module (media type application/wasm,
// architecture wasm): containerd-shim-wasm reads it from containerd's
// content store and hands it over as a layer, not a file.
//
// containerd imports such an image only from 1.6.25 on (Debian's 1.6.20:
// "mismatched image rootfs and manifest layers"); CONTAINERD and CTR can
// name a newer one (docs/kubernetes.md says how to build 2.2.9).
func TestDryRunWasmLayer(t *testing.T) {
	v, text, err := ctd.version()
	if err != nil {
		t.Fatal(err)
	}
	if !atLeast(v, [3]int{1, 6, 25}) {
		t.Skipf("containerd %s cannot unpack an image with a wasm layer (1.6.25 or later can)", text)
	}
	hello := guest(t, "hello")
	im := image{name: "hello-layer", wasmLayer: hello, entrypoint: []string{"/hello.wasm"}}
	r := runContainer(t, node{cacheDir: "none", dryRun: true}, im, nil, "/hello.wasm", "one")
	t.Logf("%s", r)
	want := fmt.Sprintf("module layer %s (%d bytes, precompiled=false)", blob{"", hello}.digest(), len(hello))
	if lines := planLines(r.stdout); r.code != 0 || !hasLine(lines, want) || !hasLine(lines, "arg one") {
		t.Fatalf("want exit 0, %q and `arg one`: %s", want, r)
	}
}
