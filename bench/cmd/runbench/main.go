// runbench is wasinet's benchmark suite (`make bench`, scripts/bench.sh):
// it builds the benchmark programs, measures each figure under wasinet
// next to its native baseline in the same run, writes the raw results
// (bench/results/results.json), a chart (bench/results/benchmarks.png, by
// bench/chart.py) and BENCHMARKS.md, and prints PASS/MISS per target.
// A failing section is reported and the others still run; a MISS never
// fails the run.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Config is where things are.
type Config struct {
	Root    string // the repository
	Wasinet string // the wasinet binary under test
	Work    string // build output of the bench (programs, caches)
	Report  string // BENCHMARKS.md
	Results string // directory for results.json and the chart
	Wrk     string
	Node    string
	Python  string // with matplotlib, for the chart
}

// Bench is one run.
type Bench struct {
	cfg      Config
	set      Settings
	prog     Programs
	res      *Results
	runHelp  string // `wasinet run --help`, to see which flags it has
	cacheDir string // the module cache of every guest run but the start-time ones
}

var sections = []string{"start", "compute", "bulk", "http", "v0", "conns", "instances", "metrics"}

func main() {
	var cfg Config
	flag.StringVar(&cfg.Root, "root", ".", "the wasinet repository")
	flag.StringVar(&cfg.Wasinet, "wasinet", "build/wasinet", "the wasinet binary to measure")
	flag.StringVar(&cfg.Work, "work", "build/bench", "directory for the built programs and caches")
	flag.StringVar(&cfg.Report, "report", "BENCHMARKS.md", "the report to write")
	flag.StringVar(&cfg.Results, "results", "bench/results", "directory for results.json and benchmarks.png")
	flag.StringVar(&cfg.Wrk, "wrk", "wrk", "wrk")
	flag.StringVar(&cfg.Node, "node", "node", "node (v20 or later, for node:wasi)")
	flag.StringVar(&cfg.Python, "python", "/usr/bin/python3", "python3 with matplotlib (the chart)")
	quick := flag.Bool("quick", false, "short durations: a smoke run of the suite (about 2 minutes)")
	only := flag.String("only", "", "comma-separated sections to run ("+strings.Join(sections, ",")+"); default all")
	rerender := flag.Bool("rerender", false, "measure nothing: redo the targets, chart and report from RESULTS/results.json")
	flag.Parse()
	if *rerender {
		os.Exit(rerenderReport(cfg))
	}

	// Children must not outlive us: stop them on a signal, on return and on a panic.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sigs
		fmt.Fprintf(os.Stderr, "bench: %v: stopping every process the benchmark started\n", s)
		StopAll()
		os.Exit(130)
	}()
	code := run(cfg, *quick, *only)
	StopAll()
	os.Exit(code)
}

func run(cfg Config, quick bool, only string) (code int) {
	defer func() {
		if p := recover(); p != nil {
			StopAll()
			panic(p)
		}
	}()
	started := time.Now()
	if err := resolvePaths(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	raiseFdLimit()
	b := &Bench{cfg: cfg, set: fullSettings(), cacheDir: filepath.Join(cfg.Work, "module-cache")}
	if quick {
		b.set = quickSettings()
	}
	b.res = &Results{Date: started.UTC().Format("2006-01-02 15:04 UTC"), Quick: quick, Machine: describeMachine(),
		Settings: b.set}
	help, err := exec.Command(cfg.Wasinet, "run", "--help").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s run --help: %v\n%s", cfg.Wasinet, err, help)
		return 1
	}
	b.runHelp = string(help)
	if !b.wasinetReads("WASINET_RETRY_GUARD") {
		b.note("this wasinet build does not read WASINET_RETRY_GUARD: both old-library rows measured the same host")
	}

	goTool, err := findGo()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	b.res.Versions = versions(cfg, goTool)
	b.logf("building the benchmark programs into %s", cfg.Work)
	if b.prog, err = buildPrograms(goTool, cfg.Wasinet, cfg.Root, cfg.Work); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}

	// Afresh every run: a cache filled by an earlier wasinet binary (other
	// engine settings) must not stand in for this one's code.
	b.logf("compiling the guests into the bench's module cache %s", b.cacheDir)
	os.RemoveAll(b.cacheDir)
	if err := b.primeCache(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}

	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	runs := map[string]func() error{
		"start":   b.startRuns,
		"compute": b.computeRuns,
		"bulk":    b.bulkRuns,
		"http": func() error {
			for _, k := range []struct {
				kind string
				idle bool
			}{{NativeGMP1, true}, {NativeDefault, false}, {Wasinet, true}, {WasinetOverlay, true}} {
				if k.kind == WasinetOverlay && b.prog.HelloHTTPNetErr != nil {
					return b.prog.HelloHTTPNetErr
				}
				if err := b.serverRun(k.kind, b.set.HTTPConns, k.idle); err != nil {
					return err
				}
			}
			return nil
		},
		"v0": func() error {
			if b.prog.V0Err != nil {
				return b.prog.V0Err
			}
			for _, kind := range []string{V0GuardOn, V0GuardOff} {
				if err := b.serverRun(kind, b.set.V0Conns, true); err != nil {
					return err
				}
			}
			return nil
		},
		"conns":     b.connsRuns,
		"instances": b.instancesRuns,
		"metrics":   b.metricsRuns,
	}
	for _, name := range sections {
		if len(want) > 0 && !want[name] {
			continue
		}
		b.logf("== %s", name)
		if err := runSection(runs[name]); err != nil {
			msg := fmt.Sprintf("%s: %v", name, err)
			fmt.Fprintln(os.Stderr, "bench: FAILED", msg)
			b.res.Errors = append(b.res.Errors, msg)
		}
	}

	b.res.Targets = judgeTargets(b.res)
	b.res.Took = time.Since(started).Round(time.Second).String()
	return b.writeOutputs()
}

// runSection runs one section; a section stops its own processes, and
// whatever it left is stopped here before the next one starts.
func runSection(f func() error) error {
	defer StopAll()
	return f()
}

func (b *Bench) writeOutputs() int {
	cfg := b.cfg
	if err := os.MkdirAll(cfg.Results, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	data, _ := json.MarshalIndent(b.res, "", "  ")
	jsonPath := filepath.Join(cfg.Results, "results.json")
	if err := os.WriteFile(jsonPath, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	chart := filepath.Join(cfg.Results, "benchmarks.png")
	chartRel := ""
	out, err := exec.Command(cfg.Python, filepath.Join(cfg.Root, "bench", "chart.py"), jsonPath, chart).CombinedOutput()
	if err != nil {
		b.res.Errors = append(b.res.Errors, fmt.Sprintf("chart: %v: %s", err, bytes.TrimSpace(out)))
		fmt.Fprintf(os.Stderr, "bench: chart: %v\n%s", err, out)
	} else if rel, err := filepath.Rel(filepath.Dir(cfg.Report), chart); err == nil {
		chartRel = filepath.ToSlash(rel)
	}
	if err := writeReport(cfg.Report, b.res, chartRel); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Println()
	fmt.Println("Targets:")
	for _, t := range b.res.Targets {
		indent := ""
		if !t.Primary {
			indent = "  "
		}
		fmt.Printf("%s%s  %s: %s\n", indent, passText(t.Pass), t.Name, t.Figure)
	}
	for _, e := range b.res.Errors {
		fmt.Printf("FAILED section %s\n", e)
	}
	fmt.Printf("\nWrote %s, %s and %s (took %s)\n", cfg.Report, jsonPath, chart, b.res.Took)
	return 0
}

func (b *Bench) logf(format string, args ...any) {
	fmt.Printf("bench: "+format+"\n", args...)
}

func (b *Bench) note(s string) {
	b.res.Notes = append(b.res.Notes, s)
	b.logf("note: %s", s)
}

// wasinetReads says whether the wasinet binary holds the string s (an
// environment variable it reads, say).
func (b *Bench) wasinetReads(s string) bool {
	data, err := os.ReadFile(b.cfg.Wasinet)
	return err == nil && bytes.Contains(data, []byte(s))
}

func absPaths(cfg *Config) error {
	for _, p := range []*string{&cfg.Root, &cfg.Wasinet, &cfg.Work, &cfg.Report, &cfg.Results} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	return nil
}

// resolvePaths makes the paths absolute and checks the tools are there.
func resolvePaths(cfg *Config) error {
	if err := absPaths(cfg); err != nil {
		return err
	}
	if _, err := os.Stat(cfg.Wasinet); err != nil {
		return fmt.Errorf("the wasinet binary: %w (build it first: scripts/build.sh)", err)
	}
	for _, tool := range []*string{&cfg.Wrk, &cfg.Node} {
		p, err := exec.LookPath(*tool)
		if err != nil {
			return fmt.Errorf("%s not found (scripts/setup.sh installs wrk; node >= 20 is needed for the V8 figure)", *tool)
		}
		*tool = p
	}
	return os.MkdirAll(cfg.Work, 0o755)
}

func versions(cfg Config, goTool string) Versions {
	rev := firstLine("git", "-C", cfg.Root, "rev-parse", "--short", "HEAD")
	if out, err := exec.Command("git", "-C", cfg.Root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil &&
		len(bytes.TrimSpace(out)) > 0 {
		rev += " (with uncommitted changes)"
	}
	return Versions{
		WasinetRev: rev,
		Wasinet:    firstLine(cfg.Wasinet, "--version"),
		Go:         strings.TrimPrefix(firstLine(goTool, "version"), "go version "),
		Wrk:        wrkVersion(cfg.Wrk),
		Node:       firstLine(cfg.Node, "--version"),
	}
}

// raiseFdLimit lifts our soft fd limit to the hard one. Set explicitly,
// it is also what the children inherit (Go would otherwise restore the
// original soft limit for them): wasinet holding 10,000 connections needs it.
func raiseFdLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

// wrkVersion is "wrk VERSION" from the first words of `wrk --version`.
func wrkVersion(wrk string) string {
	f := strings.Fields(firstLine(wrk, "--version"))
	if len(f) < 2 {
		return "wrk (version unknown)"
	}
	return f[0] + " " + f[1]
}

// rerenderReport rewrites the chart and BENCHMARKS.md from the results file
// of an earlier run (after a change to the report, chart or targets).
func rerenderReport(cfg Config) int {
	if err := absPaths(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	data, err := os.ReadFile(filepath.Join(cfg.Results, "results.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	b := &Bench{cfg: cfg, res: &Results{}}
	if err := json.Unmarshal(data, b.res); err != nil {
		fmt.Fprintln(os.Stderr, "bench: results.json:", err)
		return 1
	}
	b.res.Targets = judgeTargets(b.res)
	return b.writeOutputs()
}
