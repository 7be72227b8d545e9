#include "runtime/metrics_registry.hh"

#include <cstdio>
#include <functional>
#include <vector>

#include "net/network.hh"
#include "runtime/guest.hh"

namespace wasinet::runtime {
namespace {

using Guests = std::vector<std::pair<size_t, std::shared_ptr<metrics::GuestCounters>>>;

class Writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const char* name, const std::string& labels, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", value);
    out_ += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + buf + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string guest_label(size_t index) { return "guest=\"" + std::to_string(index) + "\""; }

double seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// One per-guest metric: its family and a value for each guest.
void per_guest(Writer& w, const Guests& guests, const char* name, const char* type, const char* help,
               const std::function<double(const metrics::GuestCounters&)>& value) {
  w.family(name, type, help);
  for (const auto& [index, c] : guests) w.sample(name, guest_label(index), value(*c));
}

double run_seconds(const metrics::GuestCounters& c) {
  uint64_t ns = metrics::read(c.run_ns_done);
  const int64_t started = c.run_started_ns.load(std::memory_order_relaxed);
  if (started > 0 && now_ns() > started) ns += static_cast<uint64_t>(now_ns() - started);
  return seconds(ns);
}

}  // namespace

std::shared_ptr<metrics::GuestCounters> MetricsRegistry::guest(size_t index) {
  std::lock_guard lock(mu_);
  auto& c = guests_[index];
  if (!c) c = std::make_shared<metrics::GuestCounters>();
  return c;
}

std::string MetricsRegistry::render() const {
  Guests guests;
  {
    std::lock_guard lock(mu_);
    guests.assign(guests_.begin(), guests_.end());
  }
  using C = const metrics::GuestCounters&;
  auto n = [](const metrics::Counter& c) { return static_cast<double>(metrics::read(c)); };
  Writer w;
  per_guest(w, guests, "wasinet_connections_opened_total", "counter",
            "Outbound stream connections the guest opened (connect).", [&](C c) { return n(c.connections_opened); });
  per_guest(w, guests, "wasinet_connections_accepted_total", "counter",
            "Inbound stream connections the guest accepted.", [&](C c) { return n(c.connections_accepted); });
  per_guest(w, guests, "wasinet_connections_closed_total", "counter",
            "Stream connections (opened or accepted) the guest closed.", [&](C c) { return n(c.connections_closed); });
  per_guest(w, guests, "wasinet_connections_open", "gauge", "Stream connections the guest holds now.", [&](C c) {
    return n(c.connections_opened) + n(c.connections_accepted) - n(c.connections_closed);
  });
  per_guest(w, guests, "wasinet_received_bytes_total", "counter", "Bytes the guest received on its sockets.",
            [&](C c) { return n(c.bytes_received); });
  per_guest(w, guests, "wasinet_sent_bytes_total", "counter", "Bytes the guest sent on its sockets.",
            [&](C c) { return n(c.bytes_sent); });
  per_guest(w, guests, "wasinet_datagrams_received_total", "counter", "Datagrams the guest received.",
            [&](C c) { return n(c.datagrams_received); });
  per_guest(w, guests, "wasinet_datagrams_sent_total", "counter", "Datagrams the guest sent.",
            [&](C c) { return n(c.datagrams_sent); });
  w.family("wasinet_policy_decisions_total", "counter",
           "Network policy decisions on the guest's calls, by operation and outcome.");
  for (const auto& [index, c] : guests)
    for (size_t op = 0; op < metrics::kOperations; ++op)
      for (int denied = 0; denied < 2; ++denied) {
        const double v = n(c->decisions[op][denied]);
        if (v == 0) continue;  // only what happened: 7 ops x 2 outcomes per guest is noise
        w.sample("wasinet_policy_decisions_total",
                 guest_label(index) + ",op=\"" + net::operation_name(static_cast<net::Operation>(op)) +
                     "\",decision=\"" + (denied ? "deny" : "allow") + "\"",
                 v);
      }
  per_guest(w, guests, "wasinet_name_lookups_total", "counter", "Host name lookups the guest made.",
            [&](C c) { return n(c.lookups); });
  per_guest(w, guests, "wasinet_name_lookup_failures_total", "counter", "Host name lookups that failed.",
            [&](C c) { return n(c.lookup_failures); });
  per_guest(w, guests, "wasinet_guest_memory_bytes", "gauge", "Size of the guest's linear memory.",
            [&](C c) { return n(c.memory_bytes); });
  per_guest(w, guests, "wasinet_guest_open_fds", "gauge", "Fds the guest holds (stdio, preopens, files, sockets).",
            [&](C c) { return static_cast<double>(c.open_fds.load(std::memory_order_relaxed)); });
  per_guest(w, guests, "wasinet_guest_poll_wait_seconds_total", "counter",
            "Time the guest spent waiting in poll_oneoff.", [&](C c) { return seconds(metrics::read(c.poll_wait_ns)); });
  per_guest(w, guests, "wasinet_guest_run_seconds_total", "counter",
            "Time the guest has been running (its waits included).", [&](C c) { return run_seconds(c); });
  per_guest(w, guests, "wasinet_instance_starts_total", "counter", "Times the instance was started.",
            [&](C c) { return n(c.starts); });
  per_guest(w, guests, "wasinet_instance_exits_total", "counter", "Times the instance ended (exit, trap or stop).",
            [&](C c) { return n(c.exits); });
  per_guest(w, guests, "wasinet_instance_restarts_total", "counter", "Times the supervisor restarted the instance.",
            [&](C c) { return n(c.restarts); });
  const metrics::ProcessCounters& p = metrics::process();
  w.family("wasinet_reloads_total", "counter", "Reloads (SIGHUP) that started a new generation.");
  w.sample("wasinet_reloads_total", "", n(p.reloads));
  w.family("wasinet_module_cache_hits_total", "counter", "Modules loaded from the compiled-module cache.");
  w.sample("wasinet_module_cache_hits_total", "", n(p.cache_hits));
  w.family("wasinet_module_cache_misses_total", "counter", "Modules compiled because the cache had none.");
  w.sample("wasinet_module_cache_misses_total", "", n(p.cache_misses));
  w.family("wasinet_module_compile_seconds_total", "counter", "Time spent compiling modules.");
  w.sample("wasinet_module_compile_seconds_total", "", seconds(metrics::read(p.compile_ns)));
  w.family("wasinet_net_log_dropped_lines_total", "counter",
           "Decision-log lines dropped because the reader was slow or absent.");
  w.sample("wasinet_net_log_dropped_lines_total", "", n(p.net_log_dropped));
  return w.take();
}

}  // namespace wasinet::runtime
