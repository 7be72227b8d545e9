// Package v0guest is a minimal guest-side binding of the wasinet_v0 host
// module that makes, call for call, the same host calls as programs built
// with the existing Go guest library (github.com/egdaemon/wasinet/wasinet
// at 49e153b), quirks included, so the end-to-end tests can show that our
// host runs such programs unchanged. It is test code written from the ABI
// description, not our SDK and not a copy of that library.
//
// What "the same calls" means here:
//   - sock_determine_host_af_family once at start; host numbers after that;
//   - sockets wrapped with os.NewFile, so the host's NONBLOCK flag makes
//     them pollable; connect waits for writability through Go's netpoller,
//     then SO_ERROR (level 1) by its errno only, then sock_getpeeraddr;
//   - reads and accepts retry EAGAIN/EINTR with runtime.Gosched, never
//     blocking in the host;
//   - a Write is one sock_send_to that carries the peer's address;
//   - deadlines are SO_RCVTIMEO/SO_SNDTIMEO at level = socket type, as a
//     {seconds, milliseconds} duration from now;
//   - iovecs are 16 bytes each (see iovec);
//   - names go to sock_getaddrip("ip", host) with room for 8 answers,
//     services to sock_getaddrport.
package v0guest
