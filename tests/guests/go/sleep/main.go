// sleep: proves that the host sleeps in poll_oneoff instead of spinning.
//
// Two goroutines sleep 200 ms at the same time. The guest measures, itself,
// the wall time (must be >= 200 ms and < 1 s) and the growth of its process
// CPU time (WASI clock 2, PROCESS_CPUTIME; must be < 50 ms). It prints
// "wall_ms=... cpu_ms=..." and exits 1 when a figure is out of bounds.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

const (
	sleepFor = 200 * time.Millisecond
	maxWall  = time.Second
	maxCPU   = 50 * time.Millisecond
)

func main() {
	cpu0, err := processCPUTime()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sleep: %v\n", err)
		os.Exit(1)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(sleepFor)
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	cpu1, err := processCPUTime()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sleep: %v\n", err)
		os.Exit(1)
	}
	cpu := cpu1 - cpu0
	fmt.Printf("wall_ms=%.1f cpu_ms=%.1f\n", ms(wall), ms(cpu))

	failed := false
	if wall < sleepFor || wall >= maxWall {
		fmt.Fprintf(os.Stderr, "sleep: wall time %.1f ms, want >= %.0f ms and < %.0f ms\n", ms(wall), ms(sleepFor), ms(maxWall))
		failed = true
	}
	if cpu >= maxCPU {
		fmt.Fprintf(os.Stderr, "sleep: CPU time grew by %.1f ms while sleeping, want < %.0f ms (is poll_oneoff spinning?)\n", ms(cpu), ms(maxCPU))
		failed = true
	}
	if failed {
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
