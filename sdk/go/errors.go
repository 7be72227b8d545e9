package wasinet

import (
	"context"
	"errors"
	"net"
	"os"
)

// dialTimeoutError is what a dial whose deadline passed returns, like
// package net's: a net.Error whose Timeout is true, which is also
// context.DeadlineExceeded for errors.Is.
type dialTimeoutError struct{}

func (dialTimeoutError) Error() string   { return "i/o timeout" }
func (dialTimeoutError) Timeout() bool   { return true }
func (dialTimeoutError) Temporary() bool { return true }
func (dialTimeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded || target == os.ErrDeadlineExceeded
}

// canceledError is a dial stopped by its context's cancellation.
type canceledError struct{}

func (canceledError) Error() string        { return "operation was canceled" }
func (canceledError) Is(target error) bool { return target == context.Canceled }

// contextError maps a finished context's error as package net does, so
// callers can test it with errors.Is against the context errors and with
// net.Error.Timeout.
func contextError(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return dialTimeoutError{}
	case errors.Is(err, context.Canceled):
		return canceledError{}
	}
	return err
}

// closedError turns the os package's "file already closed", which our
// datagram sockets (plain *os.File underneath) report, into net.ErrClosed,
// which is what servers test for.
func closedError(err error) error {
	if errors.Is(err, os.ErrClosed) {
		return net.ErrClosed
	}
	return err
}

// unresolvedAddr names the address a caller asked for when it could not be
// turned into a socket address, for the Addr of an *net.OpError.
type unresolvedAddr struct{ network, address string }

func (u unresolvedAddr) Network() string { return u.network }
func (u unresolvedAddr) String() string  { return u.address }

func opError(op, network string, source, addr net.Addr, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*net.OpError); ok {
		return err
	}
	return &net.OpError{Op: op, Net: network, Source: source, Addr: addr, Err: err}
}
