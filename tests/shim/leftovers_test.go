package shim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// snapshot is what the machine holds that containers could leave behind
// and that the tests cannot tell apart by name: containerd's shim sockets
// (named by a hash) under /run/containerd/s.
type snapshot struct {
	shimSockets map[string]bool
}

const shimSocketDir = "/run/containerd/s"

func takeSnapshot() snapshot {
	s := snapshot{shimSockets: map[string]bool{}}
	entries, _ := os.ReadDir(shimSocketDir)
	for _, e := range entries {
		s.shimSockets[e.Name()] = true
	}
	return s
}

// leftovers lists what c's containers left on the machine: shim or
// container processes, mounts under the run's directory, shim sockets that
// were not there before, the shim's container state, and cgroups of the
// tests' namespace. Empty is good. Call it when no container of the tests
// should exist.
func (c *containerd) leftovers() []string {
	var found []string
	found = append(found, c.leftoverProcesses()...)
	if data, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], c.dir) {
				found = append(found, "mount "+f[4])
			}
		}
	}
	entries, _ := os.ReadDir(shimSocketDir)
	for _, e := range entries {
		if !before.shimSockets[e.Name()] {
			found = append(found, "shim socket "+filepath.Join(shimSocketDir, e.Name()))
		}
	}
	state := filepath.Join("/run/containerd/wasinet", c.namespace)
	if entries, err := os.ReadDir(state); err == nil && len(entries) > 0 {
		found = append(found, fmt.Sprintf("shim state %s (%d entries)", state, len(entries)))
	}
	for _, cg := range namespaceCgroups(c.namespace) {
		entries, _ := os.ReadDir(cg)
		for _, e := range entries {
			if e.IsDir() {
				found = append(found, "cgroup "+filepath.Join(cg, e.Name()))
			}
		}
	}
	return found
}

// settledLeftovers is leftovers() once the machine has settled: after
// `ctr run --rm` returns, the shim process of the deleted container is
// still on its way out (it exits after answering the delete), with its
// socket and cgroup. It waits up to 10 s for the list to be empty.
func (c *containerd) settledLeftovers() []string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		found := c.leftovers()
		if len(found) == 0 || time.Now().After(deadline) {
			return found
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// leftoverProcesses: processes of the shim binary for this containerd (the
// shim server and the zygote a wasm container's process is forked from),
// and every process in a cgroup of the tests' namespace (the containers').
func (c *containerd) leftoverProcesses() []string {
	var found []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		exe, err := os.Readlink(filepath.Join(d, "exe"))
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		args := strings.ReplaceAll(strings.TrimRight(string(cmdline), "\x00"), "\x00", " ")
		cgroups, _ := os.ReadFile(filepath.Join(d, "cgroup"))
		ours := exe == shimBin && (strings.Contains(args, c.sock) || strings.Contains(args, c.namespace))
		if ours || strings.Contains(string(cgroups), "/"+c.namespace+"/") {
			found = append(found, fmt.Sprintf("process %s (%s): %s", filepath.Base(d), exe, args))
		}
	}
	return found
}

// namespaceCgroups: the cgroup directories ctr made for the namespace's
// containers (cgroup v1: one per controller; v2: one).
func namespaceCgroups(namespace string) []string {
	var dirs []string
	v1, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", namespace))
	dirs = append(dirs, v1...)
	if st, err := os.Stat(filepath.Join("/sys/fs/cgroup", namespace)); err == nil && st.IsDir() {
		dirs = append(dirs, filepath.Join("/sys/fs/cgroup", namespace))
	}
	return dirs
}

// removeNamespaceDirs removes what stays of the namespace once its
// containers are gone: its own (empty) cgroup directories, as the runtime
// removes each container's and not their parent, and the shim's (empty)
// state directory for it.
func removeNamespaceDirs(namespace string) {
	for _, d := range namespaceCgroups(namespace) {
		os.Remove(d) // fails, harmlessly, if a container's is still inside
	}
	os.Remove(filepath.Join("/run/containerd/wasinet", namespace))
}
