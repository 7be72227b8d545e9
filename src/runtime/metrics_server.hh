#pragma once
// `--metrics tcp://127.0.0.1:9464` (or unix:///path): serves GET /metrics
// from a thread of its own (docs/metrics.md). The address is the
// operator's: no network policy applies. Anything but GET /metrics is a
// 404; a request is read for at most 2 s and 8 KiB; scrapers are served
// one at a time (a scrape takes microseconds), the others wait in the
// listen backlog. A guest never waits for it: it only reads counters.
#include <string>
#include <thread>

#include "net/preopened_listener.hh"
#include "os/unique_fd.hh"
#include "runtime/metrics_registry.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

// What to scrape, for people: "http://127.0.0.1:9464/metrics" for a tcp
// listener, "unix:///run/m.sock (GET /metrics)" for a unix one.
std::string metrics_address(const std::string& url);

class MetricsServer {
 public:
  // Binds and listens on `where` (a unix path is replaced only if it is a
  // socket nobody listens on, as for --listen). Throws wasinet::Error
  // naming the address. `registry` must outlive the server.
  MetricsServer(const ListenSpec& where, const MetricsRegistry& registry);
  ~MetricsServer();  // stops the thread, closes the socket, removes a unix file
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The bound address: "tcp://127.0.0.1:43567" when port 0 was asked.
  const std::string& url() const noexcept { return listener_.url; }

 private:
  void serve();
  void answer(int fd) const;

  const MetricsRegistry& registry_;
  net::HostListener listener_;
  os::UniqueFd stop_;
  std::thread thread_;
};

}  // namespace wasinet::runtime
