package e2e

// Isolation: what a guest can reach is what it was given. The guests
// (tests/guests/c/isolation_fds.c, isolation_paths.c) call the raw preview1
// and wasinet_v0 imports, so every hostile number and path reaches the host
// unfiltered by wasi-libc; these tests set up the host side and check it
// afterwards. SECURITY.md cites them.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// preview1 numbers the guests print.
const (
	isoEACCES       = 2
	isoEAGAIN       = 6
	isoEBADF        = 8
	isoEINVAL       = 28
	isoELOOP        = 32
	isoENAMETOOLONG = 37
	isoENOTDIR      = 54
	isoENOTSOCK     = 57
	isoENOTCAPABLE  = 76

	isoFiletypeUnknown   = 0
	isoFiletypeCharDev   = 2
	isoFiletypeDirectory = 3
	isoFiletypeSockStrm  = 6
)

// A secret the host holds in descriptors it does not give the guest.
const hostSecret = "HOST-SECRET-7f3a9c"

// hostFds opens what the wasinet process inherits besides stdio, as
// exec.Cmd.ExtraFiles (child fds 3, 4, 5, 6): a read-write file holding the
// secret, a listening TCP socket with a connection waiting in its backlog,
// and both ends of a pipe with the secret in it. check() then proves none
// of them was touched: the file's shared offset and contents, the pending
// connection still there to accept, the secret still in the pipe.
type hostFds struct {
	file       *os.File
	listener   *net.TCPListener
	listenFile *os.File
	client     net.Conn
	pipeR      *os.File
	pipeW      *os.File
}

func openHostFds(t *testing.T) *hostFds {
	t.Helper()
	h := &hostFds{}
	var err error
	path := filepath.Join(t.TempDir(), "host-only")
	if h.file, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.file.WriteString(hostSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := h.file.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.listener = l.(*net.TCPListener)
	if h.listenFile, err = h.listener.File(); err != nil {
		t.Fatal(err)
	}
	if h.client, err = net.Dial("tcp", h.listener.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if h.pipeR, h.pipeW, err = os.Pipe(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pipeW.WriteString(hostSecret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, c := range []io.Closer{h.file, h.listener, h.listenFile, h.client, h.pipeR, h.pipeW} {
			c.Close()
		}
	})
	return h
}

func (h *hostFds) extraFiles() []*os.File {
	return []*os.File{h.file, h.listenFile, h.pipeR, h.pipeW}
}

func (h *hostFds) check(t *testing.T) {
	t.Helper()
	if off, err := h.file.Seek(0, io.SeekCurrent); err != nil || off != 0 {
		t.Errorf("the inherited file's offset moved to %d (%v): something read or wrote it", off, err)
	}
	if b, err := os.ReadFile(h.file.Name()); err != nil || string(b) != hostSecret {
		t.Errorf("the inherited file now holds %q (%v)", b, err)
	}
	h.listener.SetDeadline(time.Now().Add(5 * time.Second))
	if c, err := h.listener.Accept(); err != nil {
		t.Errorf("the connection waiting on the inherited listener is gone: %v", err)
	} else {
		c.Close()
	}
	h.pipeR.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, len(hostSecret))
	if n, err := io.ReadFull(h.pipeR, buf); err != nil || string(buf[:n]) != hostSecret {
		t.Errorf("the inherited pipe held %q (%v), want the secret untouched", buf[:n], err)
	}
}

// runWithHostFds runs wasinet with the extra inherited descriptors.
func runWithHostFds(t *testing.T, h *hostFds, o opts, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := wasinetCmd(ctx, t, o, args...)
	cmd.ExtraFiles = h.extraFiles()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	return finish(t, cmd, &stdout, &stderr, start, err)
}

// One reachable fd as isolation_fds prints it.
type probedFd struct {
	filetype int
	prestat  string // the preopen's name, or "errno=E"
	local    string // "inet:PORT", ..., or "errno=E"
	rest     string // accept/read results
}

var probedRE = regexp.MustCompile(`^fd (\d+) type (\d+) (?:prestat (\S+)|prestat errno=(\d+)) local (\S+)(.*)$`)

// parseProbe returns the reachable fds and the count of closed ones.
func parseProbe(t *testing.T, r result) (map[int]probedFd, int) {
	t.Helper()
	fds := map[int]probedFd{}
	closed := -1
	for _, l := range lines(r.stdout) {
		if strings.HasPrefix(l, "closed ") {
			closed, _ = strconv.Atoi(strings.TrimPrefix(l, "closed "))
			continue
		}
		m := probedRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("unexpected probe line %q\n%s", l, r)
		}
		fd, _ := strconv.Atoi(m[1])
		ft, _ := strconv.Atoi(m[2])
		p := probedFd{filetype: ft, prestat: m[3], local: m[5], rest: strings.TrimSpace(m[6])}
		if m[3] == "" {
			p.prestat = "errno=" + m[4]
		}
		fds[fd] = p
	}
	if closed < 0 {
		t.Fatalf("no \"closed N\" line\n%s", r)
	}
	return fds, closed
}

// The fds 0..4096 (and eight far beyond) that a guest probes: with the
// wasinet process holding four extra inherited descriptors, the guest
// reaches exactly stdio, its --dir, its --listen socket and, when it may
// resolve names, the implicit read-only /etc and CA preopens, each of the
// kind it should be; every other number is EBADF for every fd-taking call
// of both ABIs; and the host's descriptors are left as they were.
func TestIsolationFdProbe(t *testing.T) {
	g := guest(t, "c", "isolation_fds")
	const probed = 4097 + 8
	for _, c := range []struct {
		name     string
		flags    []string
		implicit bool
	}{
		{"no-grants", nil, false},
		{"allow-dns", []string{"--allow-dns"}, true},
		{"allow-dns-no-implicit-preopens", []string{"--allow-dns", "--no-dns-files", "--no-ca-certs"}, false},
	} {
		implicit := c.implicit
		t.Run(c.name, func(t *testing.T) {
			h := openHostFds(t)
			data := t.TempDir()
			args := concat([]string{"run", "--dir", data + "::/data", "--listen", "tcp://127.0.0.1:0"}, c.flags)
			// The operator's CA bundle, so that the CA preopen is there
			// whatever this host has.
			bundle := filepath.Join(t.TempDir(), "bundle.pem")
			writeHostFile(t, bundle, "not really a certificate\n")
			r := runWithHostFds(t, h, opts{env: []string{"SSL_CERT_FILE=" + bundle}}, append(args, g)...)
			expectCode(t, r, 0)
			fds, closed := parseProbe(t, r)
			// stdin is /dev/null (a character device); stdout and stderr are
			// pipes, which preview1 has no type for. What is not a preopened
			// directory answers EBADF to fd_prestat_get, as in wasmtime.
			notPreopen := "errno=" + strconv.Itoa(isoEBADF)
			want := map[int]probedFd{
				0: {isoFiletypeCharDev, notPreopen, "errno=" + strconv.Itoa(isoENOTSOCK), ""},
				1: {isoFiletypeUnknown, notPreopen, "errno=" + strconv.Itoa(isoENOTSOCK), ""},
				2: {isoFiletypeUnknown, notPreopen, "errno=" + strconv.Itoa(isoENOTSOCK), ""},
				3: {isoFiletypeDirectory, "/data", "errno=" + strconv.Itoa(isoENOTSOCK), ""},
			}
			// Every directory comes before the socket.
			next := 4
			if implicit {
				// Copies of the host's /etc/hosts and /etc/resolv.conf (when it
				// has either), and of the CA bundle: read-only directories
				// holding only those files (system_files_test.cc).
				if hostHasDNSFiles() {
					want[next] = probedFd{isoFiletypeDirectory, "/etc", "errno=" + strconv.Itoa(isoENOTSOCK), ""}
					next++
				}
				want[next] = probedFd{isoFiletypeDirectory, "/etc/ssl/certs", "errno=" + strconv.Itoa(isoENOTSOCK), ""}
				next++
			}
			m := listeningRE.FindStringSubmatch(r.stderr)
			if m == nil || m[3] != strconv.Itoa(next) {
				t.Fatalf("no \"listening on ... (fd %d)\" line\n%s", next, r)
			}
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(m[2], "tcp://"))
			want[next] = probedFd{isoFiletypeSockStrm, notPreopen, "inet:" + port, "accept errno=" + strconv.Itoa(isoEAGAIN)}
			for fd, w := range want {
				if got, ok := fds[fd]; !ok {
					t.Errorf("fd %d: not reachable, want %+v", fd, w)
				} else if got != w {
					t.Errorf("fd %d: %+v, want %+v", fd, got, w)
				}
			}
			for fd, got := range fds {
				if _, ok := want[fd]; !ok {
					t.Errorf("fd %d is reachable and should not be: %+v", fd, got)
				}
			}
			if closed != probed-len(want) {
				t.Errorf("%d closed fds, want %d", closed, probed-len(want))
			}
			if strings.Contains(r.stdout, fmt.Sprintf("%x", hostSecret)) {
				t.Errorf("the guest read the host's secret\n%s", r)
			}
			h.check(t)
		})
	}
}

// The tree isolation_paths tries to leave: HOST_TMP/box is preopened as
// /box; HOST_TMP also holds the secret and a directory to keep.
func makeEscapeTree(t *testing.T) (tmp, box string) {
	t.Helper()
	tmp = shortTempDir(t)
	box = filepath.Join(tmp, "box")
	for _, d := range []string{box, filepath.Join(box, "sub"), filepath.Join(tmp, "keepdir"), filepath.Join(tmp, "ro")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeHostFile(t, filepath.Join(tmp, "secret"), hostSecret)
	writeHostFile(t, filepath.Join(box, "file"), "inside")
	writeHostFile(t, filepath.Join(tmp, "ro", "shared"), "read-only")
	links := map[string]string{
		"rel_inside":   "file",
		"root":         "/",
		"outside_file": filepath.Join(tmp, "secret"),
		"outside_rel":  "../secret",
		"up":           "..",
		"proc":         "/proc/self",
		"loop_a":       "loop_b",
		"loop_b":       "loop_a",
		"dangling_abs": filepath.Join(tmp, "created_dangling_abs"),
		"dangling_rel": "../created_dangling_rel",
		"outer_sock":   filepath.Join(tmp, "outer.sock"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(box, name)); err != nil {
			t.Fatal(err)
		}
	}
	return tmp, box
}

// parseAttempts maps each attempt's label to "ok", "ok data HEX" or "errno=E".
func parseAttempts(t *testing.T, r result) map[string]string {
	t.Helper()
	out := map[string]string{}
	l := lines(r.stdout)
	if len(l) == 0 || l[len(l)-1] != "done" {
		t.Fatalf("the guest did not finish\n%s", r)
	}
	for _, line := range l[:len(l)-1] {
		label, outcome, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("unexpected line %q", line)
		}
		out[label] = outcome
	}
	return out
}

func errnoIs(e int) string { return "errno=" + strconv.Itoa(e) }

func expectAttempts(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for label, w := range want {
		g, ok := got[label]
		switch {
		case !ok:
			t.Errorf("%s: not attempted", label)
		case g != w:
			t.Errorf("%s: %s, want %s", label, g, w)
		}
	}
	for label, g := range got {
		if _, ok := want[label]; !ok {
			t.Errorf("%s: %s, and no expectation for it", label, g)
		}
	}
}

// Every way out of a preopen through a path — "..", symlinks to / and to
// files outside, absolute paths, /proc/self, loops, NUL, length — fails
// with its errno, for reading, creating, linking, renaming, removing and
// binding unix sockets; the host directory around the preopen is
// unchanged afterwards.
func TestIsolationPathEscapes(t *testing.T) {
	g := guest(t, "c", "isolation_paths")
	tmp, box := makeEscapeTree(t)
	// A host service next to the preopen, which no guest connect may reach.
	outer, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(tmp, "outer.sock"), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer outer.Close()
	var before syscall.Stat_t
	if err := syscall.Stat(filepath.Join(tmp, "secret"), &before); err != nil {
		t.Fatal(err)
	}
	r := run(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--dir", box+"::/box",
		"--dir", filepath.Join(tmp, "ro")+"::/ro:ro", "--allow-unix="+tmp, g, "box", "/box", tmp, "/ro")
	expectCode(t, r, 0)

	notcap := errnoIs(isoENOTCAPABLE)
	want := map[string]string{
		"inside_file":    "ok data " + fmt.Sprintf("%x", "inside"),
		"inside_symlink": "ok data " + fmt.Sprintf("%x", "inside"),
		"inside_dotdot":  "ok data " + fmt.Sprintf("%x", "inside"),

		"dotdot": notcap, "dotdot_secret": notcap, "sub_dotdot_secret": notcap,
		"deep_dotdot_passwd": notcap, "many_dotdots": notcap,

		"abs_passwd": notcap, "abs_root": notcap, "abs_host_secret": notcap,

		"symlink_root": notcap, "symlink_root_passwd": notcap, "symlink_root_secret": notcap,
		"symlink_abs_file": notcap, "symlink_rel_file": notcap, "symlink_up_secret": notcap,
		"stat_symlink_abs_file": notcap,

		"abs_proc_environ": notcap, "abs_proc_mem": notcap, "abs_proc_fd0": notcap,
		"abs_proc_root_passwd": notcap, "symlink_proc_environ": notcap, "symlink_proc_mem": notcap,
		"symlink_proc_root_passwd": notcap,

		"loop": errnoIs(isoELOOP), "loop_component": errnoIs(isoELOOP),
		"nul_inside": errnoIs(isoEINVAL), "nul_first": errnoIs(isoEINVAL),
		"long_path_64k": errnoIs(isoENAMETOOLONG), "long_component": errnoIs(isoENAMETOOLONG),

		"create_dotdot": notcap, "create_abs": notcap, "create_dangling_abs": notcap,
		"create_dangling_rel": notcap, "create_via_up": notcap, "create_via_root": notcap,
		"mkdir_dotdot": notcap, "mkdir_via_up": notcap, "symlink_at_dotdot": notcap,
		"link_follow_outside": notcap, "link_dotdot_secret": notcap,
		"rename_secret_in": notcap, "rename_file_out": notcap,
		"unlink_secret": notcap, "unlink_via_up": notcap, "rmdir_dotdot": notcap,
		"settimes_secret": notcap,
		// An absolute symlink target is refused; a relative one may point
		// anywhere, and following it is what fails.
		"make_symlink_abs": notcap, "make_symlink_rel_out": "ok", "follow_made_symlink": notcap,

		// --allow-unix grants the whole host directory around the preopen,
		// so only path resolution stands between these and the host. A
		// ".." that leaves the preopen on paper has no host path: the
		// policy refuses it (EACCES) before resolution would.
		"unix_bind_via_up": notcap, "unix_bind_dotdot": errnoIs(isoEACCES),
		"unix_bind_via_root": notcap, "unix_bind_inside": "ok",
		"unix_connect_symlink_out": notcap, "unix_connect_via_up": notcap,
		"unix_connect_dotdot": errnoIs(isoEACCES),

		// The read-only preopen, with the writable one at hand.
		"ro_link_into_box": notcap, "ro_link_follow_into_box": notcap,
		"ro_rename_into_box": notcap, "ro_rename_from_box": notcap,
		"ro_open_write": "ok", "ro_write": notcap, "ro_open_trunc": notcap, "ro_symlink_in_ro": notcap,
		"ro_file_set_size": notcap, "ro_file_set_times": notcap, "ro_file_widen_rights": notcap,
	}
	expectAttempts(t, parseAttempts(t, r), want)

	// Nothing outside the preopen was read, made, moved or changed.
	if got := listHost(t, tmp); strings.Join(got, " ") != "box keepdir outer.sock ro secret" {
		t.Errorf("the directory around the preopen holds %v, want [box keepdir outer.sock ro secret]", got)
	}
	outer.SetDeadline(time.Now().Add(200 * time.Millisecond))
	if c, err := outer.Accept(); err == nil {
		c.Close()
		t.Errorf("a guest connect reached the host's unix socket outside the preopen")
	}
	if got := listHost(t, filepath.Join(tmp, "ro")); strings.Join(got, " ") != "shared" {
		t.Errorf("the read-only preopen holds %v, want [shared]", got)
	}
	expectHostFile(t, filepath.Join(tmp, "ro", "shared"), "read-only")
	expectHostFile(t, filepath.Join(tmp, "secret"), hostSecret)
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(tmp, "secret"), &st); err != nil || st.Nlink != 1 {
		t.Errorf("the secret has %d links (%v): a hard link was made to it", st.Nlink, err)
	}
	// (settimes_secret asked for 1 ns after the epoch.)
	if st.Mtim != before.Mtim {
		t.Errorf("the secret's modification time changed from %v to %v", before.Mtim, st.Mtim)
	}
	expectHostFile(t, filepath.Join(box, "file"), "inside")
	inBox := listHost(t, box)
	wantBox := "dangling_abs dangling_rel file inside.sock loop_a loop_b made_link outer_sock " +
		"outside_file outside_rel proc rel_inside root sub up"
	if strings.Join(inBox, " ") != wantBox {
		t.Errorf("the preopen holds %v, want %s", inBox, wantBox)
	}
	if strings.Contains(r.stdout, fmt.Sprintf("%x", hostSecret)) {
		t.Errorf("the guest read the secret\n%s", r)
	}
}

// An operator who preopens the host's /proc (a mistake SECURITY.md warns
// about: its plain files are the wasinet process's own) still gives the
// guest no way out through its magic links: root, cwd, exe, fd/N.
func TestIsolationProcMagicLinks(t *testing.T) {
	g := guest(t, "c", "isolation_paths")
	r := run(t, opts{}, "run", "--no-dns-files", "--no-ca-certs", "--dir", "/proc::/hostproc:ro",
		g, "proc", "/hostproc")
	expectCode(t, r, 0)
	loop := errnoIs(isoELOOP)
	attempts := parseAttempts(t, r)
	expectAttempts(t, attempts, map[string]string{
		"proc_1_root_passwd": attempts["proc_1_root_passwd"], // below
		"proc_self_root":     loop, "proc_self_root_passwd": loop, "proc_self_cwd": loop,
		"proc_self_exe": loop, "proc_self_fd0": loop, "proc_thread_self_root_passwd": loop,
	})
	// Another process's root: refused for its owner (ELOOP) or before that
	// for anyone else (EACCES), never opened.
	if got := attempts["proc_1_root_passwd"]; got != loop && got != errnoIs(isoEACCES) {
		t.Errorf("proc_1_root_passwd: %s, want ELOOP or EACCES", got)
	}
}
