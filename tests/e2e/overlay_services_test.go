package e2e

// Unmodified clients and servers of real services, built with `wasinet go
// build`: go-redis and pgx with their default dialers against redis-server
// and PostgreSQL (Debian's, each started here on its own port and data
// directory, never the system's), and gRPC's helloworld greeter server and
// client, built unchanged from google.golang.org/grpc/examples, each
// against the native other.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// findServerTool is a server program on PATH or in Debian's versioned
// PostgreSQL directory; scripts/setup.sh installs them.
func findServerTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name); len(m) > 0 {
		return m[len(m)-1]
	}
	t.Fatalf("%s is not installed (scripts/setup.sh installs redis-server and postgresql)", name)
	return ""
}

// startService runs a server in the background until the test ends
// (SIGTERM, then SIGKILL), and waits until addr accepts connections.
func startService(t *testing.T, cmd *exec.Cmd, addr string) {
	t.Helper()
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = mergeSysProcAttr(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		select {
		case <-done:
			t.Fatalf("%s exited:\n%s", cmd.Path, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not accept on %s:\n%s", cmd.Path, addr, out.String())
		}
	}
}

// mergeSysProcAttr makes the server a process group leader killed with
// the test process (Pdeathsig), keeping a Credential already set.
func mergeSysProcAttr(a *syscall.SysProcAttr) *syscall.SysProcAttr {
	if a == nil {
		a = &syscall.SysProcAttr{}
	}
	a.Setpgid = true
	a.Pdeathsig = syscall.SIGKILL
	return a
}

func TestOverlayRedisDefaultDialer(t *testing.T) {
	server := findServerTool(t, "redis-server")
	w := overlayGuest(t, goReleases[0], "./guests/redisclient")
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	startService(t, exec.Command(server, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir(), "--daemonize", "no"), addr)
	// By name: the policy pins "localhost" to what it resolved to.
	res := run(t, opts{}, "run", fmt.Sprintf("--allow-net=localhost:%d", port), w, fmt.Sprintf("localhost:%d", port))
	want := `redis ok: greeting="hello from wasip1" counter=100 message="extra"`
	if res.code != 0 || strings.TrimSpace(res.stdout) != want {
		t.Fatalf("want %q\n%s", want, res)
	}
}

// postgresUser is who runs PostgreSQL, which refuses to run as root: the
// Debian package's "postgres" user then, else ourselves.
func postgresUser(t *testing.T) *syscall.Credential {
	t.Helper()
	if os.Getuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("running as root and no postgres user to run PostgreSQL as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

func TestOverlayPostgresDefaultDialer(t *testing.T) {
	initdb := findServerTool(t, "initdb")
	postgres := findServerTool(t, "postgres")
	w := overlayGuest(t, goReleases[0], "./guests/pgclient")
	cred := postgresUser(t)
	// Under /tmp itself (t.TempDir's parent is private to us): the
	// postgres user must reach it.
	data, err := os.MkdirTemp("", "wasinet-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(data) })
	if cred != nil {
		if err := os.Chown(data, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	init := exec.Command(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	init.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	srv := exec.Command(postgres, "-D", data, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=", "-c", "fsync=off")
	srv.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	startService(t, srv, addr)

	url := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr)
	res := run(t, opts{}, "run", "--allow-net="+addr, w, url)
	if res.code != 0 || !strings.HasPrefix(res.stdout, `postgres ok: rows=4 words="real sockets for wasip1" notification="ping" server=`) {
		t.Fatalf("pgclient\n%s", res)
	}
	t.Log(strings.TrimSpace(res.stdout))
}

const (
	greeterServer = "google.golang.org/grpc/examples/helloworld/greeter_server"
	greeterClient = "google.golang.org/grpc/examples/helloworld/greeter_client"
)

func TestOverlayGRPCGreeter(t *testing.T) {
	t.Run("guest_client_native_server", func(t *testing.T) {
		w := overlayGuest(t, goReleases[0], greeterClient)
		port := freePort(t)
		startService(t, exec.Command(nativeTool(t, greeterServer), "-port", strconv.Itoa(port)),
			fmt.Sprintf("127.0.0.1:%d", port))
		res := run(t, opts{}, "run", fmt.Sprintf("--allow-net=localhost:%d", port), w,
			"-addr", fmt.Sprintf("localhost:%d", port), "-name", "wasip1")
		if res.code != 0 || !strings.Contains(res.stderr, "Greeting: Hello wasip1\n") {
			t.Fatalf("greeter_client\n%s", res)
		}
	})
	t.Run("guest_server_native_client", func(t *testing.T) {
		w := overlayGuest(t, goReleases[0], greeterServer)
		port := freePort(t)
		// The server listens on ":PORT", every interface.
		g := startGuest(t, opts{}, "run", fmt.Sprintf("--allow-listen=0.0.0.0:%d", port), w, "-port", strconv.Itoa(port))
		deadline := time.Now().Add(guestStartTimeout)
		for !strings.Contains(g.stderr.String(), "server listening at") {
			if time.Now().After(deadline) {
				t.Fatalf("the greeter server did not start\n%s", g.output())
			}
			time.Sleep(20 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, nativeTool(t, greeterClient), "-addr", fmt.Sprintf("localhost:%d", port),
			"-name", "native").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Greeting: Hello native\n") {
			t.Fatalf("native greeter_client: %v\n%s\n%s", err, out, g.output())
		}
		if !strings.Contains(g.stderr.String(), "Received: native\n") {
			t.Fatalf("the guest server did not log the request\n%s", g.output())
		}
	})
}
