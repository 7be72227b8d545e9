package main

// Child processes of the benchmark: every one is registered when started
// and stopped on every way out (its own Stop, the end of main, a signal,
// a panic), so no server outlives a run.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is one running child with its output collected line by line.
type Proc struct {
	Name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    lineLog // stdout
	errOut lineLog // stderr, for error messages
	done   chan struct{}
	err    error // from Wait, valid once done is closed
	wall   time.Duration
}

var live = struct {
	sync.Mutex
	procs map[*Proc]bool
}{procs: map[*Proc]bool{}}

// ProcSpec says how to start a child.
type ProcSpec struct {
	Name  string   // for messages
	Argv  []string // Argv[0] is the program's path
	Env   []string // added to (and overriding) the runner's environment
	Dir   string
	Stdin bool // keep a pipe to its stdin (see Proc.SendLine)
}

// Start starts a child. Its stdout and stderr are read into line logs.
func Start(s ProcSpec) (*Proc, error) {
	cmd := exec.Command(s.Argv[0], s.Argv[1:]...)
	cmd.Env = mergeEnv(os.Environ(), s.Env)
	cmd.Dir = s.Dir
	// Its own process group (a ^C at the terminal reaches us, and we stop
	// it), and killed by the kernel should the runner die abruptly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &Proc{Name: s.Name, cmd: cmd, done: make(chan struct{})}
	p.out.init()
	p.errOut.init()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if s.Stdin {
		if p.stdin, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	live.Lock()
	defer live.Unlock()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (%s): %w", s.Name, s.Argv[0], err)
	}
	live.procs[p] = true
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); p.out.readFrom(stdout) }()
	go func() { defer readers.Done(); p.errOut.readFrom(stderr) }()
	go func() {
		readers.Wait() // Wait closes the pipes: read them to the end first
		p.err = cmd.Wait()
		p.wall = time.Since(start)
		live.Lock()
		delete(live.procs, p)
		live.Unlock()
		close(p.done)
	}()
	return p, nil
}

// Pid is the child's process id (for /proc).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// WaitLine waits for a stdout line starting with prefix and returns it.
// It fails if the process exits first or timeout passes.
func (p *Proc) WaitLine(prefix string, timeout time.Duration) (string, error) {
	line, err := p.out.waitFor(prefix, timeout, p.done)
	if err != nil {
		return "", fmt.Errorf("%s: waiting for %q: %w%s", p.Name, prefix, err, p.stderrNote())
	}
	return line, nil
}

// SendLine writes one line to the child's stdin.
func (p *Proc) SendLine(s string) error {
	if p.stdin == nil {
		return errors.New(p.Name + ": no stdin pipe")
	}
	_, err := io.WriteString(p.stdin, s+"\n")
	return err
}

// Wait waits for the child to exit by itself (killing it after timeout)
// and returns an error unless it exited with status 0.
func (p *Proc) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.Stop()
		return fmt.Errorf("%s: still running after %v: killed%s", p.Name, timeout, p.stderrNote())
	}
	if p.err != nil {
		return fmt.Errorf("%s: %w%s", p.Name, p.err, p.stderrNote())
	}
	return nil
}

// Stop ends the child: SIGTERM, then SIGKILL if it has not exited within
// 3 s. Safe to call more than once and after the child has exited.
func (p *Proc) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	if p.stdin != nil {
		p.stdin.Close()
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// Lines is everything the child printed on stdout so far.
func (p *Proc) Lines() []string { return p.out.snapshot() }

// Wall is how long the child ran (valid once it has exited).
func (p *Proc) Wall() time.Duration { return p.wall }

func (p *Proc) stderrNote() string {
	lines := p.errOut.snapshot()
	if len(lines) == 0 {
		return ""
	}
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return "; its stderr ends: " + strings.Join(lines, " | ")
}

// StopAll stops every child still running (the runner's exits).
func StopAll() {
	live.Lock()
	procs := make([]*Proc, 0, len(live.procs))
	for p := range live.procs {
		procs = append(procs, p)
	}
	live.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() { defer wg.Done(); p.Stop() }()
	}
	wg.Wait()
}

// lineLog collects a stream's lines and lets callers wait for one.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed and replaced at every new line
}

func (l *lineLog) init() { l.changed = make(chan struct{}) }

func (l *lineLog) readFrom(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, sc.Text())
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
	io.Copy(io.Discard, r) // a line too long: keep the child from blocking
}

func (l *lineLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *lineLog) waitFor(prefix string, timeout time.Duration, exited <-chan struct{}) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		l.mu.Lock()
		for ; seen < len(l.lines); seen++ {
			if strings.HasPrefix(l.lines[seen], prefix) {
				line := l.lines[seen]
				l.mu.Unlock()
				return line, nil
			}
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-exited:
			// The output is complete once the process is reaped: look once more.
			l.mu.Lock()
			for ; seen < len(l.lines); seen++ {
				if strings.HasPrefix(l.lines[seen], prefix) {
					line := l.lines[seen]
					l.mu.Unlock()
					return line, nil
				}
			}
			l.mu.Unlock()
			return "", errors.New("it exited first")
		case <-deadline.C:
			return "", fmt.Errorf("not printed within %v", timeout)
		}
	}
}

// mergeEnv returns base with the KEY=VALUE entries of extra set (replacing
// the same keys); an entry "KEY" without '=' removes KEY.
func mergeEnv(base, extra []string) []string {
	if len(extra) == 0 {
		return base
	}
	keys := map[string]bool{}
	for _, kv := range extra {
		k, _, _ := strings.Cut(kv, "=")
		keys[k] = true
	}
	out := make([]string, 0, len(base)+len(extra))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !keys[k] {
			out = append(out, kv)
		}
	}
	for _, kv := range extra {
		if strings.Contains(kv, "=") {
			out = append(out, kv)
		}
	}
	return out
}
