package main

// How long and how often each figure is measured: the full suite, and
// the quick smoke run (BENCH_QUICK=1).

import "time"

// Settings are a run's durations and counts (seconds as numbers, so the
// results file reads plainly).
type Settings struct {
	WarmUpSec      float64 `json:"wrk_warmup_sec"`
	MeasureSec     float64 `json:"wrk_measure_sec"`
	WrkThreads     int     `json:"wrk_threads"`
	HTTPConns      []int   `json:"http_conns"`
	V0Conns        []int   `json:"v0_conns"`
	IdleSec        float64 `json:"idle_sec"`
	BulkBytes      int64   `json:"bulk_bytes"`
	BulkRuns       int     `json:"bulk_runs"`
	StartCold      int     `json:"start_cold_runs"`
	StartWarm      int     `json:"start_warm_runs"` // and as many native runs
	ComputeWarmSec float64 `json:"compute_warmup_sec"`
	ComputeSec     float64 `json:"compute_sec"`
	ComputeRuns    int     `json:"compute_runs"`
	IdleConns      []int   `json:"idle_conns"`
}

func fullSettings() Settings {
	return Settings{
		WarmUpSec: 2, MeasureSec: 10, WrkThreads: 1,
		HTTPConns: []int{1, 50, 256}, V0Conns: []int{1, 50},
		IdleSec:   10,
		BulkBytes: 2 << 30, BulkRuns: 3,
		StartCold: 5, StartWarm: 15,
		ComputeWarmSec: 1, ComputeSec: 4, ComputeRuns: 3,
		IdleConns: []int{1000, 10000},
	}
}

func quickSettings() Settings {
	return Settings{
		WarmUpSec: 1, MeasureSec: 3, WrkThreads: 1,
		HTTPConns: []int{1, 50, 256}, V0Conns: []int{1, 50},
		IdleSec:   3,
		BulkBytes: 512 << 20, BulkRuns: 1,
		StartCold: 2, StartWarm: 5,
		ComputeWarmSec: 0.5, ComputeSec: 2, ComputeRuns: 1,
		IdleConns: []int{1000, 10000},
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (s Settings) WarmUp() time.Duration        { return seconds(s.WarmUpSec) }
func (s Settings) Measure() time.Duration       { return seconds(s.MeasureSec) }
func (s Settings) Idle() time.Duration          { return seconds(s.IdleSec) }
func (s Settings) ComputeWarmUp() time.Duration { return seconds(s.ComputeWarmSec) }
func (s Settings) ComputeTime() time.Duration   { return seconds(s.ComputeSec) }
