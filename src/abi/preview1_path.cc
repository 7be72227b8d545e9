// path_* calls. (Being written.)
#include "abi/preview1.hh"

namespace wasinet::abi {
void add_preview1_path(HostFunctions&) {}
}  // namespace wasinet::abi
