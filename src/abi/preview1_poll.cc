// poll_oneoff. (Being written.)
#include "abi/preview1.hh"

namespace wasinet::abi {
void add_preview1_poll(HostFunctions&) {}
}  // namespace wasinet::abi
