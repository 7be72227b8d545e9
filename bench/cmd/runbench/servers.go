package main

// Starting the HTTP servers under test: hello_http natively (GOMAXPROCS=1
// and default) and under wasinet, hello_http_net (built with `wasinet go
// build`) under wasinet, and the old-library guest under wasinet with the
// host's retry-loop guard on or off.

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverLabels name the servers in the report.
var serverLabels = map[string]string{
	NativeGMP1:     "native, GOMAXPROCS=1",
	NativeDefault:  "native, default GOMAXPROCS",
	Wasinet:        "wasinet",
	WasinetOverlay: "wasinet, unmodified net.Listen (wasinet go build)",
	V0GuardOn:      "old-library guest, retry guard on",
	V0GuardOff:     "old-library guest, retry guard off",
	Node:           "node (V8)",
	WasinetMetrics: "wasinet, --metrics on",
	"native":       "native",
}

// Server is a running server under test.
type Server struct {
	*Proc
	Kind string
	Addr string // host:port
	Path string // what wrk and the clients request
}

// URL is the address wrk drives.
func (s *Server) URL() string { return "http://" + s.Addr + s.Path }

// startServer starts a server of the given kind on a free loopback port
// and waits until it listens. maxConns is how many connections it must be
// able to hold (the guest's fd limit is raised to fit, if wasinet can).
func (b *Bench) startServer(kind string, maxConns int) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	spec := ProcSpec{Name: serverLabels[kind]}
	path := "/"
	switch kind {
	case NativeGMP1:
		spec.Argv = []string{b.prog.HelloHTTP.Native, addr}
		spec.Env = []string{"GOMAXPROCS=1"}
	case NativeDefault:
		spec.Argv = []string{b.prog.HelloHTTP.Native, addr}
		spec.Env = []string{"GOMAXPROCS"} // unset: the runtime's default, one per CPU
	case Wasinet:
		spec.Argv = b.wasinetRun([]string{"--allow-listen=" + addr}, maxConns, b.prog.HelloHTTP.Wasm, addr)
	case WasinetMetrics:
		spec.Argv = b.wasinetRun([]string{"--allow-listen=" + addr, "--metrics", "tcp://127.0.0.1:0"}, maxConns,
			b.prog.HelloHTTP.Wasm, addr)
	case WasinetOverlay:
		spec.Argv = b.wasinetRun([]string{"--allow-listen=" + addr}, maxConns, b.prog.HelloHTTPNet, addr)
	case V0GuardOn, V0GuardOff:
		// v0_http serves "hello from the guest" at GET /hello.
		path = "/hello"
		spec.Argv = b.wasinetRun([]string{"--allow-listen=" + addr}, maxConns, b.prog.V0HTTP, "server", addr)
		if kind == V0GuardOff {
			spec.Env = []string{"WASINET_RETRY_GUARD=off"}
		} else {
			spec.Env = []string{"WASINET_RETRY_GUARD"} // the host's default: on
		}
	default:
		if n := instancesFlag(kind); n != "" {
			spec.Name = instancesLabel(kind)
			spec.Argv = b.wasinetRun([]string{"--allow-listen=" + addr, "--instances", n}, maxConns,
				b.prog.HelloHTTP.Wasm, addr)
			break
		}
		if g := gomaxprocsOf(kind); g != "" {
			spec.Name = instancesLabel(kind)
			spec.Argv = []string{b.prog.HelloHTTP.Native, addr}
			spec.Env = []string{"GOMAXPROCS=" + g}
			break
		}
		return nil, fmt.Errorf("unknown server kind %q", kind)
	}
	p, err := Start(spec)
	if err != nil {
		return nil, err
	}
	// The first start of a guest compiles it (seconds on a busy machine).
	if _, err := p.WaitLine("listening", 3*time.Minute); err != nil {
		p.Stop()
		return nil, err
	}
	return &Server{Proc: p, Kind: kind, Addr: addr, Path: path}, nil
}

// wasinetRun is the argv of `wasinet run` for a guest, with the bench's
// own module cache (so runs neither use nor fill the user's) and, when the
// guest must hold many connections, a raised fd limit if wasinet has one.
func (b *Bench) wasinetRun(flags []string, maxConns int, wasm string, args ...string) []string {
	argv := []string{b.cfg.Wasinet, "run", "--cache-dir", b.cacheDir}
	argv = append(argv, flags...)
	if maxConns > 0 {
		argv = append(argv, b.limitFlags(maxConns)...)
	}
	argv = append(argv, wasm)
	return append(argv, args...)
}

// limitFlags raises the guest's fd (and connection) caps to hold n
// connections, with the flags this wasinet has (`wasinet run --help`),
// within what wasinet can open: the hard RLIMIT_NOFILE it inherits from
// us, less the 64 fds it keeps for itself.
func (b *Bench) limitFlags(n int) []string {
	room := n + 256 // listener, stdio, preopens, in-flight accepts
	if capacity := hardFdLimit() - 64; capacity > 0 && room > capacity {
		room = capacity
	}
	var flags []string
	if b.hasRunFlag("--max-fds") {
		flags = append(flags, "--max-fds="+strconv.Itoa(room))
	}
	if b.hasRunFlag("--max-conns") {
		flags = append(flags, "--max-conns="+strconv.Itoa(room))
	}
	return flags
}

// hardFdLimit is the hard RLIMIT_NOFILE (0 if unknown).
func hardFdLimit() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Max > 1<<30 {
		return 0
	}
	return int(lim.Max)
}

func (b *Bench) hasRunFlag(flag string) bool {
	return strings.Contains(b.runHelp, flag+" ") || strings.Contains(b.runHelp, flag+"=") ||
		strings.Contains(b.runHelp, flag+",")
}

// freePort asks the kernel for a free loopback port (listen on :0, close).
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
