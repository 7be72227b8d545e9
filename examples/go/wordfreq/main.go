// wordfreq counts the words of every text file in a directory the host
// preopened for it, prints the most frequent ones, and writes the full
// table to a report file in the same directory.
//
//	wasinet run --dir ./examples/data::/data wordfreq.wasm /data
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

type count struct {
	word string
	n    int
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wordfreq DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}
	counts := map[string]int{}
	files := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		if err := countFile(filepath.Join(dir, e.Name()), counts); err != nil {
			fmt.Fprintln(os.Stderr, "wordfreq:", err)
			os.Exit(1)
		}
		files++
	}
	table := make([]count, 0, len(counts))
	for w, n := range counts {
		table = append(table, count{w, n})
	}
	sort.Slice(table, func(i, j int) bool {
		if table[i].n != table[j].n {
			return table[i].n > table[j].n
		}
		return table[i].word < table[j].word
	})

	report := filepath.Join(dir, "report.out")
	f, err := os.Create(report)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}
	for _, c := range table {
		fmt.Fprintf(f, "%d %s\n", c.n, c.word)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}

	fmt.Printf("%d files, %d distinct words; top 5:\n", files, len(table))
	for i := 0; i < 5 && i < len(table); i++ {
		fmt.Printf("  %-12s %d\n", table[i].word, table[i].n)
	}
	fmt.Printf("full table written to %s (running under %s)\n", report, os.Getenv("WASINET_DEMO"))
}

func countFile(path string, counts map[string]int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Split(bufio.ScanWords)
	for s.Scan() {
		w := strings.ToLower(strings.TrimFunc(s.Text(), func(r rune) bool { return !unicode.IsLetter(r) }))
		if w != "" {
			counts[w]++
		}
	}
	return s.Err()
}
