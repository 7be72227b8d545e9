// args_get, args_sizes_get, environ_get, environ_sizes_get.
#include <cstring>

#include "abi/host_function.hh"
#include "abi/preview1.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

// The two calls share one shape: a count and a total size of NUL-terminated
// strings, then an array of pointers into a buffer holding them.
Errno sizes_get(Call& c, const std::vector<std::string>& list, uint32_t count_ptr,
                uint32_t size_ptr) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  if (total > UINT32_MAX) return Errno::overflow;
  // Both checked before either is written: a call that fails leaves guest
  // memory as it was (isolation_engine_sweep_test.cc).
  WASINET_CHECK(c.memory.check_range<uint32_t>(count_ptr));
  WASINET_CHECK(c.memory.check_range<uint32_t>(size_ptr));
  WASINET_CHECK(c.memory.store<uint32_t>(count_ptr, static_cast<uint32_t>(list.size())));
  return c.memory.store<uint32_t>(size_ptr, static_cast<uint32_t>(total));
}

Errno strings_get(Call& c, const std::vector<std::string>& list, uint32_t ptrs, uint32_t buf) {
  WASINET_CHECK(c.memory.check_range<uint32_t>(ptrs, list.size()));
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  WASINET_TRY(auto dest, c.memory.bytes(buf, total));
  uint32_t offset = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    WASINET_CHECK(c.memory.store<uint32_t>(ptrs + static_cast<uint32_t>(i) * 4, buf + offset));
    std::memcpy(dest.data() + offset, list[i].data(), list[i].size());
    dest[offset + list[i].size()] = 0;
    offset += static_cast<uint32_t>(list[i].size() + 1);
  }
  return Errno::success;
}

Errno args_sizes_get(Call& c, uint32_t argc, uint32_t argv_buf_size) {
  return sizes_get(c, c.ctx.args, argc, argv_buf_size);
}
Errno args_get(Call& c, uint32_t argv, uint32_t argv_buf) {
  return strings_get(c, c.ctx.args, argv, argv_buf);
}
Errno environ_sizes_get(Call& c, uint32_t count, uint32_t buf_size) {
  return sizes_get(c, c.ctx.environ, count, buf_size);
}
Errno environ_get(Call& c, uint32_t environ, uint32_t environ_buf) {
  return strings_get(c, c.ctx.environ, environ, environ_buf);
}

}  // namespace

void add_preview1_args(HostFunctions& out) {
  out.push_back(bind<&args_sizes_get>(kPreview1, "args_sizes_get"));
  out.push_back(bind<&args_get>(kPreview1, "args_get"));
  out.push_back(bind<&environ_sizes_get>(kPreview1, "environ_sizes_get"));
  out.push_back(bind<&environ_get>(kPreview1, "environ_get"));
}

}  // namespace wasinet::abi
