package wasinet

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// ListenFDsEnv names the environment variable in which the host tells the
// program where the sockets of `wasinet run --listen` are: their fds in
// the order of the flags, comma-separated ("5,6"). They follow every
// preopened directory, so their numbers depend on the other flags.
const ListenFDsEnv = "WASINET_LISTEN_FDS"

// Listeners returns the listening sockets the host handed over (`wasinet
// run --listen URL`, in the order of the flags), each made with
// FileListener, so Addr and the accepted conns' addresses are true. None,
// and no error, when WASINET_LISTEN_FDS is unset or empty. Call it once:
// each call makes new listeners on the same sockets.
//
//	lns, err := wasinet.Listeners()
//	if err != nil || len(lns) == 0 {
//		log.Fatal("run me with wasinet run --listen tcp://127.0.0.1:8080: ", err)
//	}
//	http.Serve(lns[0], handler)
func Listeners() ([]net.Listener, error) {
	fds, err := listenFDs(os.Getenv(ListenFDsEnv))
	if err != nil {
		return nil, err
	}
	var out []net.Listener
	for _, fd := range fds {
		f := os.NewFile(uintptr(fd), "wasinet listener fd "+strconv.Itoa(fd))
		l, err := FileListener(f)
		f.Close()
		if err != nil {
			for _, o := range out {
				o.Close()
			}
			return nil, fmt.Errorf("wasinet: %s fd %d: %w", ListenFDsEnv, fd, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// listenFDs parses WASINET_LISTEN_FDS: fd numbers from 3 up, comma-separated.
func listenFDs(value string) ([]int, error) {
	if value == "" {
		return nil, nil
	}
	var fds []int
	for _, s := range strings.Split(value, ",") {
		fd, err := strconv.Atoi(s)
		if err != nil || fd < 3 {
			return nil, fmt.Errorf("wasinet: %s=%q: %q is not an fd number of 3 or more", ListenFDsEnv, value, s)
		}
		fds = append(fds, fd)
	}
	return fds, nil
}
