// wasinet::Service (include/wasinet/service.hh): N guests of one module on
// shared listeners, and the supervisor that restarts, reloads and drains
// them. Each instance is a runtime::Guest run by run_guest on a thread of
// its own; the supervisor is the thread that called run(), asleep on a
// condition variable until an instance ends, a request arrives or a
// deadline (a restart's backoff, a drain's timeout) comes.
#include "wasinet/service.hh"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "engine/engine.hh"
#include "net/shared_binds.hh"
#include "metrics/counters.hh"
#include "runtime/exit_codes.hh"
#include "runtime/guest.hh"
#include "runtime/instance_setup.hh"
#include "runtime/limit_values.hh"
#include "runtime/listeners.hh"
#include "runtime/metrics_registry.hh"
#include "runtime/metrics_server.hh"
#include "runtime/module_loader.hh"
#include "wasinet/error.hh"

namespace wasinet {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{10000};
// An instance that ran this long before it failed starts again after the
// first backoff: it was not failing at start-up.
constexpr milliseconds kHealthyRun{10000};

struct Generation {
  uint64_t number = 0;
  std::shared_ptr<const engine::Module> module;
  bool draining = false;
  Clock::time_point drain_deadline{};
};

struct Instance {
  size_t index = 0;
  std::shared_ptr<Generation> generation;
  std::unique_ptr<runtime::Guest> guest;
  std::thread thread;
  bool running = false;   // its thread runs the guest
  bool finished = false;  // its thread is done, not yet joined
  bool retired = false;   // ended for good (or draining: never restarted)
  Clock::time_point started{};
  std::optional<runtime::GuestOutcome> outcome;
  std::string error;  // the guest could not be made or run
  milliseconds backoff = kFirstBackoff;
  std::optional<Clock::time_point> restart_at;
};

std::string ms_text(milliseconds d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + " s"
                               : std::to_string(d.count()) + " ms";
}

// NAME=VALUE replacing any NAME= already in `environ`.
void set_env(std::vector<std::string>& environ, const std::string& name, const std::string& value) {
  std::erase_if(environ, [&](const std::string& kv) { return kv.starts_with(name + "="); });
  environ.push_back(name + "=" + value);
}

// One line, written with one write(2): lines of the instances (whole
// lines, GuestOptions::whole_lines) and ours never mix inside a line.
void say(const std::string& text) {
  const std::string line = "wasinet: " + text + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

struct Service::Impl {
  explicit Impl(ServiceOptions o) : options(std::move(o)), engine(engine_options(options)) {}

  static engine::EngineOptions engine_options(const ServiceOptions& o) {
    engine::EngineOptions e;
    // Instances are stopped at their next host call (Guest::stop), which
    // needs no epoch checks: guest code keeps its full speed.
    e.epoch_interruption = false;
    e.max_wasm_stack = static_cast<size_t>(o.guest.max_wasm_stack);
    return e;
  }

  std::shared_ptr<const engine::Module> load() const {
    runtime::LoadOptions load;
    load.use_cache = options.use_cache;
    load.cache_dir = options.cache_dir;
    load.verbose = options.verbose;
    return std::make_shared<const engine::Module>(runtime::load_module(engine, options.module, load));
  }

  // Instance `index`'s options: the service's, with its place among the
  // others in its environment.
  GuestOptions guest_options(size_t index) const {
    GuestOptions g = options.guest;
    set_env(g.environ, "WASINET_INSTANCE", std::to_string(index));
    set_env(g.environ, "WASINET_INSTANCES", std::to_string(options.instances));
    // The instances, and the next generation while this one drains, bind
    // the same ports (then listen on one shared socket per address), and
    // several instances write to the same stdout.
    g.reuse_port = true;
    g.shared_binds = shared_binds;
    g.whole_lines = options.instances > 1;
    g.instance = index;
    if (metrics_server) g.counters = registry.guest(index);
    return g;
  }

  std::string name(const Instance& i) const {
    std::string n = "instance " + std::to_string(i.index);
    if (generation_count > 1) n += " (generation " + std::to_string(i.generation->number) + ")";
    return n;
  }

  // Makes the instance's guest and starts its thread. Locked.
  void start(Instance& i) {
    i.restart_at.reset();
    i.outcome.reset();
    i.error.clear();
    i.finished = false;
    try {
      if (!i.guest) i.guest = std::make_unique<runtime::Guest>(guest_options(i.index), listeners);
    } catch (const Error& e) {
      i.error = e.what();
      i.finished = true;  // handled as an instance that failed at once
      return;
    }
    i.running = true;
    i.started = Clock::now();
    if (metrics_server) metrics::add(registry.guest(i.index)->starts);
    i.thread = std::thread([this, &i] { run_instance(i); });
  }

  void run_instance(Instance& i) {
    std::optional<runtime::GuestOutcome> outcome;
    std::string error;
    try {
      outcome = runtime::run_guest(engine, *i.generation->module, *i.guest);
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(mutex);
    i.outcome = std::move(outcome);
    i.error = std::move(error);
    i.finished = true;
    cv.notify_all();
  }

  bool wants_restart(const Instance& i, int status) const {
    if (i.retired || draining || stopping || i.generation != current) return false;
    if (i.outcome && i.outcome->run.stopped) return false;
    switch (options.restart) {
      case RestartPolicy::no: return false;
      case RestartPolicy::always: return true;
      case RestartPolicy::on_failure: return status != 0;
    }
    return false;
  }

  // An instance's thread has ended: join it, say how it ended, and restart
  // it or retire it. Locked.
  void reap(Instance& i, Clock::time_point now) {
    if (i.thread.joinable()) i.thread.join();
    i.running = false;
    i.finished = false;
    const bool stopped = i.outcome && i.outcome->run.stopped;
    int status = runtime::kExitHostError;
    std::string how;
    if (!i.error.empty()) {
      how = "could not run: " + i.error;
    } else if (stopped) {
      status = 0;
    } else {
      status = runtime::exit_status(*i.outcome);
      const engine::RunOutcome& r = i.outcome->run;
      if (r.kind == engine::RunOutcome::Kind::trapped || r.kind == engine::RunOutcome::Kind::interrupted)
        how = r.stack_exhausted ? "ran out of stack (--max-wasm-stack)" : "trapped: " + r.message;
      else
        how = "exited with status " + std::to_string(status);
    }
    i.guest.reset();  // its fds close now; the listeners stay (shared)
    if (metrics_server) metrics::add(registry.guest(i.index)->exits);
    if (wants_restart(i, status)) {
      if (metrics_server) metrics::add(registry.guest(i.index)->restarts);
      if (now - i.started >= kHealthyRun) i.backoff = kFirstBackoff;
      i.restart_at = now + i.backoff;
      say(name(i) + " " + how + "; restarting in " + ms_text(i.backoff));
      i.backoff = std::min(i.backoff * 2, kMaxBackoff);
      return;
    }
    i.retired = true;
    if (!stopped && (status != 0 || options.instances > 1)) say(name(i) + " " + how);
    last_status = status;
  }

  void start_generation(std::shared_ptr<Generation> g) {
    current = std::move(g);
    ++generation_count;
    for (size_t k = 0; k < options.instances; ++k) {
      Instance& i = instances.emplace_back();
      i.index = k;
      i.generation = current;
    }
  }

  // Builds the guests of the newest generation's instances that have none
  // yet. Throws wasinet::Error for the first that cannot be made.
  void prepare_guests() {
    for (Instance& i : instances)
      if (i.generation == current && !i.guest) i.guest = std::make_unique<runtime::Guest>(guest_options(i.index), listeners);
  }

  void drain_generation(Generation& g, Clock::time_point now) {
    g.draining = true;
    g.drain_deadline = now + options.drain_timeout;
    for (Instance& i : instances)
      if (i.generation.get() == &g) {
        i.retired = true;
        i.restart_at.reset();
        if (i.running) i.guest->drain();
      }
  }

  void do_reload(std::unique_lock<std::mutex>& lock) {
    std::shared_ptr<const engine::Module> module;
    lock.unlock();  // compiling may take seconds: requests and ends wait meanwhile
    std::string failure;
    try {
      module = load();
    } catch (const Error& e) {
      failure = e.what();
    }
    lock.lock();
    if (!failure.empty()) {
      say("reload failed: " + failure + "; generation " + std::to_string(current->number) + " keeps serving");
      return;
    }
    if (draining || stopping) return;
    auto next = std::make_shared<Generation>();
    next->number = current->number + 1;
    next->module = std::move(module);
    std::shared_ptr<Generation> old = current;
    start_generation(next);
    try {
      prepare_guests();
    } catch (const Error& e) {
      say("reload failed: " + std::string(e.what()) + "; generation " + std::to_string(old->number) +
          " keeps serving");
      instances.remove_if([&](const Instance& i) { return i.generation == next; });
      current = old;
      return;
    }
    for (Instance& i : instances)
      if (i.generation == next) start(i);
    metrics::add(metrics::process().reloads);
    say("reloaded " + options.module.filename().string() + ": generation " + std::to_string(next->number) +
        " serves, generation " + std::to_string(old->number) + " drains");
    drain_generation(*old, Clock::now());
  }

  // Old generations whose every instance has ended are dropped, once said.
  void drop_ended_generations() {
    std::vector<std::shared_ptr<Generation>> old;
    for (const Instance& i : instances)
      if (i.generation != current && std::find(old.begin(), old.end(), i.generation) == old.end())
        old.push_back(i.generation);
    for (const std::shared_ptr<Generation>& g : old) {
      const bool left = std::any_of(instances.begin(), instances.end(), [&](const Instance& i) {
        return i.generation == g && (i.running || i.finished);
      });
      if (left) continue;
      instances.remove_if([&](const Instance& i) { return i.generation == g; });
      say("generation " + std::to_string(g->number) + " drained");
    }
  }

  ServiceOptions options;
  engine::Engine engine;
  mutable runtime::MetricsRegistry registry;  // guest_options() is const
  std::unique_ptr<runtime::MetricsServer> metrics_server;  // with options.metrics
  std::shared_ptr<const runtime::Listeners> listeners;
  std::shared_ptr<net::SharedBinds> shared_binds = std::make_shared<net::SharedBinds>();
  std::vector<ServiceListener> listening;

  std::mutex mutex;
  std::condition_variable cv;
  bool reload_requested = false;  // under mutex, as everything below
  bool drain_requested = false;
  bool stop_requested = false;
  bool draining = false;
  bool stopping = false;
  std::shared_ptr<Generation> current;
  uint64_t generation_count = 0;
  std::list<Instance> instances;  // a list: threads hold references to their element
  int last_status = 0;
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  Impl& s = *impl_;
  if (s.options.instances == 0) throw Error("a service needs at least one instance");
  if (s.options.guest.timeout.count() > 0)
    throw Error("--timeout does not apply to a service (--instances): it runs until it is stopped");
  if (s.options.metrics) s.metrics_server = std::make_unique<runtime::MetricsServer>(*s.options.metrics, s.registry);
  // The directories are checked (by making the guests) before the
  // listeners are opened and the module is compiled, in the order flags are
  // read; the listeners are the service's, shared by every instance.
  if (!s.options.guest.listeners.empty()) {
    GuestOptions probe = s.guest_options(0);
    probe.listeners.clear();
    (void)runtime::Guest(probe);
    std::shared_ptr<net::Network> network = runtime::guest_network(s.options.guest);
    s.listeners = std::make_shared<const runtime::Listeners>(s.options.guest.listeners, network.get());
  }
  auto first = std::make_shared<Generation>();
  first->module = s.load();
  s.start_generation(first);
  s.prepare_guests();
  const runtime::Guest& guest0 = *s.instances.front().guest;
  for (const runtime::GuestListener& l : guest0.listening())
    s.listening.push_back({l.fd, l.host->url, l.host->port_chosen_by_system});
}

Service::~Service() {
  Impl& s = *impl_;
  std::unique_lock lock(s.mutex);
  for (Instance& i : s.instances)
    if (i.running) i.guest->stop();
  for (Instance& i : s.instances) {
    if (!i.thread.joinable()) continue;
    lock.unlock();
    i.thread.join();
    lock.lock();
  }
}

const std::vector<ServiceListener>& Service::listeners() const noexcept { return impl_->listening; }

std::string Service::metrics_url() const { return impl_->metrics_server ? impl_->metrics_server->url() : ""; }

void Service::reload() {
  std::lock_guard lock(impl_->mutex);
  impl_->reload_requested = true;
  impl_->cv.notify_all();
}

void Service::drain() {
  std::lock_guard lock(impl_->mutex);
  impl_->drain_requested = true;
  impl_->cv.notify_all();
}

void Service::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_requested = true;
  impl_->cv.notify_all();
}

void Service::remove_socket_files() const noexcept {
  if (impl_->listeners) impl_->listeners->remove_socket_files();
}

int Service::run() {
  Impl& s = *impl_;
  std::unique_lock lock(s.mutex);
  for (Instance& i : s.instances) s.start(i);
  for (;;) {
    const Clock::time_point now = Clock::now();
    for (Instance& i : s.instances)
      if (i.finished) s.reap(i, now);
    s.drop_ended_generations();

    if (s.stop_requested && !s.stopping) {
      s.stopping = true;
      for (Instance& i : s.instances) {
        i.restart_at.reset();
        if (i.running) i.guest->stop();
      }
    }
    if (s.drain_requested && !s.draining && !s.stopping) {
      s.draining = true;
      for (Instance& i : s.instances) i.restart_at.reset();
      s.drain_generation(*s.current, now);
    }
    if (s.reload_requested) {
      s.reload_requested = false;
      if (!s.draining && !s.stopping) {
        s.do_reload(lock);
        continue;  // ends and requests may have come meanwhile
      }
    }

    // Deadlines: drains that ran out, restarts that are due.
    std::optional<Clock::time_point> next;
    auto consider = [&](Clock::time_point t) { next = next ? std::min(*next, t) : t; };
    for (Instance& i : s.instances) {
      if (i.running && i.generation->draining) {
        if (now >= i.generation->drain_deadline) i.guest->stop();
        else consider(i.generation->drain_deadline);
      }
      if (i.restart_at) {
        if (now >= *i.restart_at) s.start(i);
        else consider(*i.restart_at);
      }
    }
    const bool any_left = std::any_of(s.instances.begin(), s.instances.end(), [](const Instance& i) {
      return i.running || i.finished || i.restart_at;
    });
    if (!any_left) break;
    const auto pending = [&] {
      return s.stop_requested != s.stopping || (s.drain_requested && !s.draining && !s.stopping) ||
             s.reload_requested ||
             std::any_of(s.instances.begin(), s.instances.end(), [](const Instance& i) { return i.finished; });
    };
    if (next) s.cv.wait_until(lock, *next, pending);
    else s.cv.wait(lock, pending);
  }
  return s.last_status;
}

}  // namespace wasinet
