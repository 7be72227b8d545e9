// wasinet overlay for package net: a non-blocking connect, awaited in the
// netpoller.

//go:build wasip1

package net

import (
	"context"
	"os"
	"syscall"
	"unsafe"
)

// connect starts a connect to sa and waits for its outcome: a stream
// connect answers EINPROGRESS, the fd turns writable when it is done, and
// SO_ERROR then says how it ended (the host returns a pending error as the
// errno of that call). The context's deadline is the fd's write deadline
// meanwhile, and its end (cancel or deadline) wakes the wait at once.
func (fd *netFD) connect(ctx context.Context, sa syscall.Sockaddr) (ret error) {
	raw, err := wasinetEncode(fd.family, sa)
	if err != nil {
		return err
	}
	switch err := wasinetErr(wasinet_sock_connect(int32(fd.pfd.Sysfd), unsafe.Pointer(raw), uint32(len(raw)))); err {
	case nil, syscall.EISCONN:
		if cerr := ctx.Err(); cerr != nil {
			return mapErr(cerr)
		}
		return nil
	case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
	default:
		return os.NewSyscallError("connect", err)
	}

	if deadline, ok := ctx.Deadline(); ok {
		fd.pfd.SetWriteDeadline(deadline)
		defer fd.pfd.SetWriteDeadline(noDeadline)
	}
	if ctx.Done() != nil {
		interrupted := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			fd.pfd.SetWriteDeadline(aLongTimeAgo)
			close(interrupted)
		})
		defer func() {
			if !stop() {
				// The context ended while connecting: that is the
				// outcome, whatever the connect did meanwhile.
				<-interrupted
				ret = mapErr(ctx.Err())
			}
		}()
	}

	// Still connecting (no error, no peer) after the fd turned writable
	// should not happen; allow it twice before calling it a failure, so a
	// misbehaving host cannot make this loop spin.
	for stillConnecting := 0; ; {
		if err := fd.pfd.WaitWrite(); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return mapErr(cerr)
			}
			return err
		}
		switch err := wasinetPendingError(fd.pfd.Sysfd); err {
		case nil:
		case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
			continue
		default:
			return os.NewSyscallError("connect", err)
		}
		var peer wasinetRawAddr
		err := wasinetErr(wasinet_sock_getpeeraddr(int32(fd.pfd.Sysfd), unsafe.Pointer(&peer), uint32(len(peer))))
		if err == nil {
			return nil
		}
		if err != syscall.ENOTCONN || stillConnecting == 2 {
			return os.NewSyscallError("connect", err)
		}
		stillConnecting++
	}
}
