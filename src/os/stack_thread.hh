#pragma once
// Running a function on a thread of its own with a native stack of a chosen
// size: wasm code runs on the native stack of the thread that calls into
// it, and the main thread's (often 8 MiB, set by ulimit -s) cannot be
// trusted to hold a large wasm stack plus the host calls made from it.
#include <cstddef>
#include <functional>

namespace wasinet::os {

// Runs `fn` on a new thread whose stack is `stack_bytes` (rounded up to
// whole pages) and waits for it. An exception `fn` throws is rethrown here.
// The thread starts with this thread's signal mask. Throws wasinet::Error
// when the thread cannot be made (naming the size, e.g. when address space
// is short).
void run_with_stack(size_t stack_bytes, const std::function<void()>& fn);

}  // namespace wasinet::os
