package main

// The results of one run, as written to bench/results/results.json (read
// by bench/chart.py and by the report).

// Results is everything one run measured.
type Results struct {
	Date     string   `json:"date"`
	Quick    bool     `json:"quick"`
	Machine  Machine  `json:"machine"`
	Versions Versions `json:"versions"`
	Settings Settings `json:"settings"`

	HTTP    []HTTPPoint    `json:"http"`
	Idle    []IdlePoint    `json:"idle"`
	Bulk    []BulkPoint    `json:"bulk"`
	Start   []StartPoint   `json:"start"`
	Conns   []ConnsPoint   `json:"conns"`
	Compute []ComputePoint `json:"compute"`
	// The instances section: its HTTP points are in HTTP.
	InstancesMemory []InstancesMemPoint `json:"instances_memory,omitempty"`
	Targets         []Target            `json:"targets"`

	Notes  []string `json:"notes,omitempty"`  // how the run deviated from the plan
	Errors []string `json:"errors,omitempty"` // sections that failed
	Took   string   `json:"took"`
}

// Versions of what was measured and what measured it.
type Versions struct {
	WasinetRev string `json:"wasinet_rev"`
	Wasinet    string `json:"wasinet"`
	Go         string `json:"go"`
	Wrk        string `json:"wrk"`
	Node       string `json:"node"`
}

// Server names, used as keys in the results.
const (
	NativeGMP1    = "native-gomaxprocs1"
	NativeDefault = "native-default"
	Wasinet       = "wasinet"
	// hello_http_net (package net's Listen) built with `wasinet go build`.
	WasinetOverlay = "wasinet-overlay"
	V0GuardOn      = "v0-guard-on"
	V0GuardOff     = "v0-guard-off"
	Node           = "node-v8"
	// hello_http under wasinet with --metrics on (issue 22).
	WasinetMetrics = "wasinet-metrics"
	// Prefixes of kinds with a number: "native-gomaxprocs-2",
	// "wasinet-instances-auto".
	NativeGOMAXPROCS = "native-gomaxprocs-"
	WasinetInstances = "wasinet-instances-"
)

// HTTPPoint is one wrk measurement of one server.
type HTTPPoint struct {
	Server string `json:"server"`
	Conns  int    `json:"conns"`
	WrkResult
}

// IdlePoint is the CPU an idle server used, and its memory then.
type IdlePoint struct {
	Server     string  `json:"server"`
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
	CPUPercent float64 `json:"cpu_percent_of_core"`
	Memory     Memory  `json:"memory"`
}

// BulkPoint is TCP throughput in one direction (MB = 10^6 bytes).
type BulkPoint struct {
	Direction string    `json:"direction"` // "guest-to-host" or "host-to-guest"
	Runner    string    `json:"runner"`    // Wasinet or NativeGMP1's program natively ("native")
	Bytes     int64     `json:"bytes"`
	MBps      float64   `json:"mb_per_sec"` // median of Runs
	Runs      []float64 `json:"runs_mb_per_sec"`
}

// StartPoint is the wall time of running the hello program to its exit.
type StartPoint struct {
	Kind     string    `json:"kind"` // "cold", "warm", "native"
	MedianMs float64   `json:"median_ms"`
	RunsMs   []float64 `json:"runs_ms"`
}

// ConnsPoint is a server holding idle keep-alive connections.
type ConnsPoint struct {
	Server string `json:"server"`
	Conns  int    `json:"conns"`
	Held   int    `json:"held"`
	Served int    `json:"served"` // of Held, answered on their second request
	Memory Memory `json:"memory"` // while holding them
}

// ComputePoint is compute_http's own figure under one runner.
type ComputePoint struct {
	Runner    string    `json:"runner"` // "native", Wasinet, Node
	ReqPerSec float64   `json:"req_per_sec"`
	Runs      []float64 `json:"runs_req_per_sec"`
}

// Target is one PASS/MISS line.
type Target struct {
	Name     string `json:"name"`
	Figure   string `json:"figure"`
	Pass     bool   `json:"pass"`
	Measured bool   `json:"measured"`
	Primary  bool   `json:"primary"` // false: shown alongside a target
}
