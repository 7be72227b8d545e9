// wordfreq counts the words of the .txt files in a directory the host
// preopened for it and prints the most frequent ones; given a second path,
// it writes the whole table there. A plain Go program: files only, no SDK.
//
//	wasinet run --dir ./examples/data::/data:ro wordfreq.wasm /data
//	wasinet run --dir ./examples/data::/data:ro --dir /tmp/out::/out wordfreq.wasm /data /out/words.txt
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
	if len(os.Args) != 2 && len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: wordfreq DIR [REPORT]")
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

	fmt.Printf("%d files, %d distinct words; top 5:\n", files, len(table))
	for i := 0; i < 5 && i < len(table); i++ {
		fmt.Printf("  %-12s %d\n", table[i].word, table[i].n)
	}
	if len(os.Args) == 3 {
		if err := writeReport(os.Args[2], table); err != nil {
			fmt.Fprintln(os.Stderr, "wordfreq:", err)
			os.Exit(1)
		}
		fmt.Printf("full table written to %s\n", os.Args[2])
	}
}

// writeReport writes one "COUNT WORD" line per word, most frequent first.
func writeReport(path string, table []count) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, c := range table {
		fmt.Fprintf(w, "%d %s\n", c.n, c.word)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
