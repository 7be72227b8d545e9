package e2e

// The C SDK's two documented ways to build a guest: the one-line
// compiler wrapper (sdk/c/bin/wasinet-cc) and the CMake toolchain file
// (sdk/c/cmake/wasinet-toolchain.cmake). Each builds a program here and
// the program then talks to a native peer.

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sdkLibDir is where the build put libwasinet.a: BUILD/sdk/c, beside
// BUILD/guests.
func sdkLibDir(t *testing.T) string {
	t.Helper()
	d := filepath.Join(filepath.Dir(guestsDir), "sdk", "c")
	if _, err := os.Stat(filepath.Join(d, "libwasinet.a")); err != nil {
		t.Skipf("libwasinet.a not built (see the configure warnings about the C SDK): %v", err)
	}
	return d
}

func repoPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func runTool(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

const wrapperProgram = `#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof a) != 0) return 1;
  const char* msg = "built with wasinet-cc\n";
  return send(fd, msg, strlen(msg), 0) == (ssize_t)strlen(msg) ? 0 : 1;
}
`

// expectWrapperProgramWorks runs wrapperProgram built as `wasm` and checks
// that its line reached a native peer.
func expectWrapperProgramWorks(t *testing.T, wasm string) {
	t.Helper()
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	got := make(chan string, 1)
	serveOne(t, l, func(c net.Conn) {
		s, _ := bufio.NewReader(c).ReadString('\n')
		got <- s
	})
	_, port, _ := net.SplitHostPort(l.Addr().String())
	r := run(t, opts{}, "run", "--allow-net=loopback", wasm, port)
	expectCode(t, r, 0)
	select {
	case s := <-got:
		if s != "built with wasinet-cc\n" {
			t.Errorf("native peer read %q", s)
		}
	case <-time.After(peerTimeout):
		t.Error("nothing reached the native peer")
	}
}

// `wasinet-cc -o app.wasm app.c`, the README's one line, builds a
// program whose socket calls reach a native peer.
func TestCSDKWrapperOneLine(t *testing.T) {
	lib := sdkLibDir(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.c"), []byte(wrapperProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, []string{"WASINET_SDK_LIB=" + lib}, repoPath(t, "sdk/c/bin/wasinet-cc"), "-O2", "-o", "app.wasm", "app.c")

	expectWrapperProgramWorks(t, filepath.Join(dir, "app.wasm"))
}

// The wrapper called through a symlink elsewhere (~/bin/wasinet-cc) finds
// the SDK beside the real script, with no WASINET_SDK_LIB: here an SDK laid
// out as installed (bin/, include/, lib/) in a temporary folder, so that
// the lookup cannot succeed through this checkout's build/ instead.
func TestCSDKWrapperThroughSymlink(t *testing.T) {
	lib := sdkLibDir(t)
	root := t.TempDir()
	sdk := filepath.Join(root, "sdk")
	for _, d := range []string{"sdk/bin", "sdk/lib", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script, err := os.ReadFile(repoPath(t, "sdk/c/bin/wasinet-cc"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(sdk, "bin", "wasinet-cc"), script)
	if err := os.Chmod(filepath.Join(sdk, "bin", "wasinet-cc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		filepath.Join(sdk, "include"):                  repoPath(t, "sdk/c/include"),
		filepath.Join(sdk, "lib", "libwasinet.a"):      filepath.Join(lib, "libwasinet.a"),
		filepath.Join(root, "elsewhere", "wasinet-cc"): filepath.Join(sdk, "bin", "wasinet-cc"),
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(root, "app.c"), []byte(wrapperProgram))
	runTool(t, root, []string{"WASINET_SDK_LIB="}, filepath.Join(root, "elsewhere", "wasinet-cc"),
		"-O2", "-o", "app.wasm", "app.c")

	expectWrapperProgramWorks(t, filepath.Join(root, "app.wasm"))
}

// examples/c as a CMake project of its own with the toolchain file: the
// C and C++ examples build, and the toolchain-built echo server works.
func TestCSDKToolchainFile(t *testing.T) {
	lib := sdkLibDir(t)
	for _, tool := range []string{"cmake", "ninja"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	build := t.TempDir()
	runTool(t, build, nil, "cmake", "-G", "Ninja", "-S", repoPath(t, "examples/c"), "-B", build,
		"-DCMAKE_TOOLCHAIN_FILE="+repoPath(t, "sdk/c/cmake/wasinet-toolchain.cmake"), "-DWASINET_SDK_LIB="+lib)
	runTool(t, build, nil, "ninja", "-C", build)
	for _, name := range []string{"tcp_echo_server", "udp_echo", "http_get", "cxx_echo_client"} {
		if _, err := os.Stat(filepath.Join(build, name+".wasm")); err != nil {
			t.Errorf("%s.wasm not built: %v", name, err)
		}
	}
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", filepath.Join(build, "tcp_echo_server.wasm"),
		"127.0.0.1", "0", "1")
	addr := strings.TrimPrefix(g.waitLine("listening ", guestStartTimeout), "listening ")
	if err := exchange(dialNative(t, "tcp4", addr), pattern(100<<10)); err != nil {
		t.Fatalf("echo: %v\n%s", err, g.output())
	}
	expectCode(t, g.wait(peerTimeout), 0)
}
