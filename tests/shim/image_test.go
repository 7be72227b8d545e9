package shim

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// image describes an OCI image the tests build by hand: the equivalent of
// a Dockerfile `FROM scratch` with COPY lines (files), ENTRYPOINT and ENV,
// written as an OCI image layout tarball for `ctr image import`.
type image struct {
	name       string            // the tag: the image is wasinet.test/NAME:latest
	files      map[string][]byte // path in the rootfs (no leading /) -> content
	entrypoint []string
	env        []string
	// wasmLayer: instead of a filesystem layer, the module as the image's
	// one layer of media type application/wasm, with architecture "wasm"
	// (the layout runwasi's shims load from containerd's content store).
	wasmLayer []byte
}

// wasmPlatform is the platform of images with a wasm layer, as ctr names it.
const wasmPlatform = "wasip1/wasm"

func (im image) ref() string { return "wasinet.test/" + im.name + ":latest" }

// blob is one content-addressed file of the layout.
type blob struct {
	mediaType string
	data      []byte
}

func (b blob) digest() string {
	sum := sha256.Sum256(b.data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (b blob) descriptor() map[string]any {
	return map[string]any{"mediaType": b.mediaType, "digest": b.digest(), "size": len(b.data)}
}

// writeTar writes the image as an OCI layout tarball at path.
func (im image) writeTar(path string) error {
	var layer blob
	platform := map[string]any{"architecture": "amd64", "os": "linux"}
	if im.wasmLayer != nil {
		layer = blob{"application/wasm", im.wasmLayer}
		platform = map[string]any{"architecture": "wasm", "os": "wasip1"} // wasmPlatform
	} else {
		data, err := tarOf(im.files)
		if err != nil {
			return err
		}
		layer = blob{"application/vnd.oci.image.layer.v1.tar", data}
	}
	// An uncompressed layer's diff ID is its own digest. A wasm layer is no
	// file system layer: the root file system has none, and a label names
	// the module so that images of different modules differ in their
	// config (as runwasi's oci-tar-builder does).
	diffIDs := []string{layer.digest()}
	labels := map[string]string{}
	if im.wasmLayer != nil {
		diffIDs = []string{}
		labels["wasinet.test/module"] = layer.digest()
	}
	config := map[string]any{
		"created":      time.Unix(0, 0).UTC().Format(time.RFC3339),
		"architecture": platform["architecture"],
		"os":           platform["os"],
		"config":       map[string]any{"Entrypoint": im.entrypoint, "Env": im.env, "Labels": labels},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": diffIDs},
	}
	configBlob, err := jsonBlob("application/vnd.oci.image.config.v1+json", config)
	if err != nil {
		return err
	}
	manifest, err := jsonBlob("application/vnd.oci.image.manifest.v1+json", map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        configBlob.descriptor(),
		"layers":        []any{layer.descriptor()},
	})
	if err != nil {
		return err
	}
	desc := manifest.descriptor()
	desc["platform"] = platform
	desc["annotations"] = map[string]string{
		"io.containerd.image.name":          im.ref(),
		"org.opencontainers.image.ref.name": "latest",
	}
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.index.v1+json",
		"manifests":     []any{desc},
	})
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`),
		"index.json": index,
	}
	for _, b := range []blob{layer, configBlob, manifest} {
		files["blobs/sha256/"+b.digest()[len("sha256:"):]] = b.data
	}
	data, err := tarOf(files)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func jsonBlob(mediaType string, v any) (blob, error) {
	data, err := json.Marshal(v)
	return blob{mediaType, data}, err
}

// tarOf makes a tar archive of files (with their parent directories), in
// name order with fixed times, so equal inputs give equal digests.
func tarOf(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	dirs := map[string]bool{}
	for _, n := range names {
		for d := filepath.Dir(n); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	dirNames := make([]string, 0, len(dirs))
	for d := range dirs {
		dirNames = append(dirNames, d)
	}
	sort.Strings(dirNames)
	when := time.Unix(0, 0)
	for _, d := range dirNames {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: when}); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		// Programs keep the mode their build gave them, as COPY does: a
		// module, an ELF binary or a script is executable.
		mode := int64(0o644)
		if data := files[n]; filepath.Ext(n) == ".wasm" || bytes.HasPrefix(data, []byte("\x7fELF")) ||
			bytes.HasPrefix(data, []byte("#!")) {
			mode = 0o755
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: mode, Size: int64(len(files[n])), ModTime: when}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return nil, fmt.Errorf("tar %s: %w", n, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
