#pragma once
// Draining a guest (docs/serving.md, "Draining"): the host cannot see
// requests, so it closes the connections that are idle in host terms and
// lets the others finish.
#include <chrono>

#include "wasi/context.hh"

namespace wasinet::net {

// One scan of the guest's accepted connections, on the guest's own thread
// (poll_oneoff calls it while ctx.draining): shuts down each one that is
// idle (Socket::idle_for_drain), so the guest reads its end and closes it.
// Returns true, and sets ctx.stop_requested, when the guest holds no
// accepted connection at all: it is drained.
bool drain_scan(wasi::Context& ctx);

// How long a connection must have been quiet (no byte received or sent)
// before a scan may close it, and so how often a draining guest's waits
// are cut short to scan again.
inline constexpr auto kDrainTick = std::chrono::milliseconds(100);

}  // namespace wasinet::net
