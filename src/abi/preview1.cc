#include "abi/preview1.hh"

namespace wasinet::abi {

HostFunctions preview1_functions() {
  HostFunctions out;
  add_preview1_args(out);
  add_preview1_clock(out);
  add_preview1_proc(out);
  add_preview1_fd(out);
  add_preview1_path(out);
  add_preview1_poll(out);
  add_preview1_sock(out);
  return out;
}

}  // namespace wasinet::abi
