// fileio: file and directory calls inside a preopened directory.
//
//	fileio DIR            create, write, read back, append, seek, list,
//	                      rename, stat, remove, mkdir, rmdir; leaves DIR as
//	                      it found it
//	fileio -readonly DIR  DIR is preopened read-only and holds readme.txt:
//	                      reading must work, every write must be refused
//	                      (a permission error; EBADF for a write through an
//	                      fd opened without write rights)
//
// DIR may also be given as $FILEIO_DIR. Prints "entries: NAME..." (sorted
// names in DIR while the guest's own files exist, or as found in -readonly
// mode) and finally "ok"; on any mismatch it prints "fileio: ..." on stderr
// and exits 1.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fileio: "+format+"\n", args...)
	os.Exit(1)
}

func check(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func main() {
	args := os.Args[1:]
	readonly := false
	if len(args) > 0 && args[0] == "-readonly" {
		readonly = true
		args = args[1:]
	}
	dir := os.Getenv("FILEIO_DIR")
	if len(args) > 0 {
		dir = args[0]
	}
	if dir == "" {
		fail("usage: fileio [-readonly] DIR (or set FILEIO_DIR)")
	}
	if readonly {
		readOnly(dir)
	} else {
		readWrite(dir)
	}
	fmt.Println("ok")
}

// pattern returns n bytes that differ from block to block, so a read at the
// wrong offset shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + (i*7+i/251)%26)
	}
	return b
}

func listDir(dir string) []string {
	entries, err := os.ReadDir(dir)
	check(err, "readdir "+dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func mustNotExist(p string) {
	_, err := os.Stat(p)
	if err == nil {
		fail("stat %s: still exists", p)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		fail("stat %s: want ENOENT, got %v", p, err)
	}
}

func readWrite(dir string) {
	data := path.Join(dir, "fileio-data.txt")
	renamed := path.Join(dir, "fileio-renamed.txt")
	sub := path.Join(dir, "fileio-subdir")
	inner := path.Join(sub, "inner.txt")

	// Write in one call (100 KiB: more than one host read/write chunk), read back.
	content := pattern(100 * 1024)
	check(os.WriteFile(data, content, 0o644), "write "+data)
	got, err := os.ReadFile(data)
	check(err, "read "+data)
	if !bytes.Equal(got, content) {
		fail("read back %d bytes, wrote %d: contents differ", len(got), len(content))
	}

	// Append, then check the size two ways and read at an offset.
	f, err := os.OpenFile(data, os.O_WRONLY|os.O_APPEND, 0)
	check(err, "open for append")
	tail := []byte("appended line\n")
	n, err := f.Write(tail)
	check(err, "append")
	if n != len(tail) {
		fail("append wrote %d bytes, want %d", n, len(tail))
	}
	st, err := f.Stat()
	check(err, "fstat")
	check(f.Close(), "close after append")
	want := int64(len(content) + len(tail))
	if st.Size() != want {
		fail("fstat size %d, want %d", st.Size(), want)
	}
	f, err = os.Open(data)
	check(err, "open for reading")
	if _, err := f.Seek(int64(len(content)), io.SeekStart); err != nil {
		fail("seek: %v", err)
	}
	rest, err := io.ReadAll(f)
	check(err, "read after seek")
	check(f.Close(), "close after read")
	if !bytes.Equal(rest, tail) {
		fail("read after seek: got %q, want %q", rest, tail)
	}

	// A subdirectory with a file in it.
	check(os.Mkdir(sub, 0o755), "mkdir "+sub)
	check(os.WriteFile(inner, []byte("inner\n"), 0o644), "write "+inner)
	if names := listDir(sub); strings.Join(names, " ") != "inner.txt" {
		fail("readdir %s: got %q, want [inner.txt]", sub, names)
	}

	names := listDir(dir)
	for _, need := range []string{"fileio-data.txt", "fileio-subdir"} {
		i := sort.SearchStrings(names, need)
		if i == len(names) || names[i] != need {
			fail("readdir %s: %q missing from %q", dir, need, names)
		}
	}
	fmt.Printf("entries: %s\n", strings.Join(names, " "))

	// Rename, then stat both names.
	check(os.Rename(data, renamed), "rename")
	mustNotExist(data)
	st, err = os.Stat(renamed)
	check(err, "stat "+renamed)
	if !st.Mode().IsRegular() || st.Size() != want {
		fail("stat %s: mode %v size %d, want a regular file of %d bytes", renamed, st.Mode(), st.Size(), want)
	}
	st, err = os.Stat(sub)
	check(err, "stat "+sub)
	if !st.IsDir() {
		fail("stat %s: mode %v, want a directory", sub, st.Mode())
	}

	// Remove everything again: a non-empty directory cannot go first.
	if err := syscall.Rmdir(sub); err == nil {
		fail("rmdir of a non-empty directory succeeded")
	}
	check(os.Remove(renamed), "remove "+renamed)
	mustNotExist(renamed)
	check(os.Remove(inner), "remove "+inner)
	check(syscall.Rmdir(sub), "rmdir "+sub)
	mustNotExist(sub)
}

// WASI's ENOTCAPABLE (syscall.ENOTCAPABLE exists only on wasip1; spelled
// out so that `go vet` also works for the host).
const errnoNotCapable = syscall.Errno(76)

// permissionDenied says whether err is the refusal a read-only preopen
// must give (and not, say, "function not implemented").
func permissionDenied(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.EACCES, syscall.EPERM, syscall.EROFS, errnoNotCapable:
		return true
	}
	return false
}

func readOnly(dir string) {
	readme := path.Join(dir, "readme.txt")
	got, err := os.ReadFile(readme)
	check(err, "read "+readme)
	fmt.Printf("readme: %s\n", strings.TrimRight(string(got), "\n"))
	fmt.Printf("entries: %s\n", strings.Join(listDir(dir), " "))

	attempts := []struct {
		what string
		do   func() error
	}{
		{"create", func() error {
			f, err := os.OpenFile(path.Join(dir, "new.txt"), os.O_WRONLY|os.O_CREATE, 0o644)
			if err == nil {
				f.Close()
			}
			return err
		}},
		{"truncate", func() error {
			f, err := os.OpenFile(readme, os.O_WRONLY|os.O_TRUNC, 0)
			if err == nil {
				f.Close()
			}
			return err
		}},
		// wasi-libc and Go ask only for the rights the directory can give,
		// so opening for writing may succeed: then the write must fail.
		{"write", func() error {
			f, err := os.OpenFile(readme, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.Write([]byte("overwritten"))
			return err
		}},
		{"mkdir", func() error { return os.Mkdir(path.Join(dir, "newdir"), 0o755) }},
		{"rename", func() error { return os.Rename(readme, path.Join(dir, "moved.txt")) }},
		{"remove", func() error { return os.Remove(readme) }},
	}
	for _, a := range attempts {
		err := a.do()
		switch {
		case err == nil:
			fail("%s in a read-only preopen: unexpectedly allowed", a.what)
		case !permissionDenied(err) && !(a.what == "write" && errors.Is(err, syscall.EBADF)):
			fail("%s in a read-only preopen: want a permission error, got %v", a.what, err)
		}
		fmt.Printf("refused %s: %v\n", a.what, err)
	}
}
