#include "runtime/listeners.hh"

#include "net/network.hh"

namespace wasinet::runtime {

Listeners::Listeners(const std::vector<ListenSpec>& specs, net::Network* network) {
  try {
    for (const ListenSpec& spec : specs) listeners_.push_back(net::open_host_listener(spec, network));
  } catch (...) {
    remove_socket_files();
    throw;
  }
}

Listeners::~Listeners() { remove_socket_files(); }

void Listeners::remove_socket_files() const noexcept {
  for (const net::HostListener& l : listeners_) net::remove_socket_file(l);
}

}  // namespace wasinet::runtime
