#include "abi/preview1_encode.hh"

#include "abi/layout.hh"

namespace wasinet::abi {

Errno store_filestat(const GuestMemory& memory, uint32_t out, const wasi::Filestat& f) {
  WasiFilestat st{};
  st.dev = f.dev;
  st.ino = f.ino;
  st.filetype = static_cast<uint8_t>(f.filetype);
  st.nlink = f.nlink;
  st.size = f.size;
  st.atim = f.atim;
  st.mtim = f.mtim;
  st.ctim = f.ctim;
  return memory.store(out, st);
}

}  // namespace wasinet::abi
