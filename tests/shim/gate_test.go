package shim

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// guestFunctions are the C API functions (include/wasinet/wasinet.h) the
// shim must call to run a guest at all. The shim binary defines them
// exactly when it calls them (the linker keeps what is used, and a call to
// a function the library lacks fails the link), so their presence in its
// symbol table is a fact of the build, not a flag someone must remember to
// flip.
var guestFunctions = []string{
	"wasinet_module_load_file",
	"wasinet_options_new",
	"wasinet_guest_new",
	"wasinet_guest_run",
	"wasinet_guest_stop",
}

// shimCannotRunGuests returns "" when the shim binary at path defines every
// function of guestFunctions, or else one line saying which it lacks and
// why (the reason printed for a skipped test).
func shimCannotRunGuests(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Sprintf("cannot read the symbols of %s: %v", path, err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return fmt.Sprintf("cannot read the symbols of %s: %v", path, err)
	}
	defined := map[string]bool{}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
			defined[s.Name] = true
		}
	}
	var missing []string
	for _, name := range guestFunctions {
		if !defined[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("the shim cannot run guests yet: it does not call %s (wasinet.h's module and "+
		"guest functions, which wait for the one guest assembly of issue 16 phase B; issue 21)",
		strings.Join(missing, ", "))
}

// requireGuests skips a test of real guests when the shim cannot run them.
func requireGuests(t *testing.T) {
	t.Helper()
	if why := shimCannotRunGuests(shimBin); why != "" {
		t.Skip(why)
	}
}

// The gate opens for a binary that defines the guest functions and names
// the ones a binary lacks: it must not stay closed once the C API lands.
func TestGateReadsTheBinarysSymbols(t *testing.T) {
	dir := t.TempDir()
	build := func(names []string) string {
		var src strings.Builder
		for _, n := range names {
			fmt.Fprintf(&src, "void %s(void) {}\n", n)
		}
		src.WriteString("int main(void) { return 0; }\n")
		c := filepath.Join(dir, "gate.c")
		bin := filepath.Join(dir, fmt.Sprintf("gate-%d", len(names)))
		if err := os.WriteFile(c, []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("cc", "-o", bin, c).CombinedOutput(); err != nil {
			t.Fatalf("cc: %v\n%s", err, out)
		}
		return bin
	}
	if why := shimCannotRunGuests(build(guestFunctions)); why != "" {
		t.Errorf("a binary defining every guest function: %s", why)
	}
	last := guestFunctions[len(guestFunctions)-1]
	why := shimCannotRunGuests(build(guestFunctions[:len(guestFunctions)-1]))
	if !strings.Contains(why, "does not call "+last+" (") {
		t.Errorf("a binary without %s: %q", last, why)
	}
}
