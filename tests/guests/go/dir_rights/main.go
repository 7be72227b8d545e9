// dir_rights: the Go side of guests/c/dir_rights.c, through Go's own os
// package as programs use it. Run with a writable preopen /w holding a
// directory sub/ and a read-only preopen /r (tests/e2e/defaults_test.go).
// One line per check, "NAME ok" or "NAME errno=E", then "done".
//
// - os.Root (Go 1.24+) creates, truncates and writes files through the
//   directory fd Go opened with read-only rights;
// - opening a directory for writing is EISDIR; reading one is EBADF;
// - an os.Root on a read-only preopen cannot create anything.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

func line(name string, err error) {
	var errno syscall.Errno
	switch {
	case err == nil:
		fmt.Println(name, "ok")
	case errors.As(err, &errno):
		fmt.Printf("%s errno=%d\n", name, int(errno))
	default:
		fmt.Printf("%s error %v\n", name, err)
	}
}

func main() {
	root, err := os.OpenRoot("/w/sub")
	line("open_root", err)
	if err != nil {
		os.Exit(1)
	}
	f, err := root.Create("made")
	line("root_create", err)
	if err == nil {
		_, err = f.WriteString("written through os.Root\n")
		line("root_write", err)
		f.Close()
	}
	f, err = root.OpenFile("made", os.O_RDWR|os.O_TRUNC, 0)
	line("root_open_truncate", err)
	if err == nil {
		f.Close()
	}
	line("root_mkdir_all", root.MkdirAll("a/b", 0o755))
	line("root_write_file", root.WriteFile("a/b/c", []byte("deep\n"), 0o644))
	data, err := root.ReadFile("a/b/c")
	if err == nil && string(data) != "deep\n" {
		err = fmt.Errorf("read back %q", data)
	}
	line("root_read_file", err)
	root.Close()

	_, err = os.OpenFile("/w/sub", os.O_RDWR, 0)
	line("open_dir_for_writing", err)
	d, err := os.Open("/w/sub")
	line("open_dir", err)
	if err == nil {
		_, err = d.Read(make([]byte, 8))
		if err == io.EOF {
			err = errors.New("EOF")
		}
		line("read_dir", err)
		d.Close()
	}

	ro, err := os.OpenRoot("/r")
	line("open_ro_root", err)
	if err == nil {
		_, err = ro.Create("new")
		line("ro_root_create", err)
		ro.Close()
	}
	fmt.Println("done")
}
