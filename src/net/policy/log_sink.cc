#include "net/policy/log_sink.hh"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "metrics/counters.hh"
#include "os/unique_fd.hh"
#include "wasinet/error.hh"

namespace wasinet::net::policy {
namespace {

class FileSink final : public LogSink {
 public:
  explicit FileSink(const std::filesystem::path& file) : file_(std::fopen(file.c_str(), "ae")) {
    if (!file_) throw Error("--net-log " + file.string() + ": " + std::strerror(errno));
  }
  ~FileSink() override { std::fclose(file_); }
  void write(const std::string& line) override {
    std::lock_guard lock(mu_);
    std::fputs(line.c_str(), file_);
    std::fflush(file_);
  }

 private:
  std::mutex mu_;
  std::FILE* file_;
};

// Lines queue for a writer thread; a full queue drops.
class StderrSink final : public LogSink {
 public:
  static constexpr size_t kMaxQueued = 4096;
  StderrSink() : thread_([this] { drain(); }) {}
  ~StderrSink() override {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void write(const std::string& line) override {
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= kMaxQueued) {
        metrics::add(metrics::process().net_log_dropped);
        return;
      }
      queue_.push_back(line);
    }
    cv_.notify_one();
  }

 private:
  void drain() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      std::string line = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      for (size_t at = 0; at < line.size();) {  // one write(2) in the usual case
        const ssize_t n = ::write(STDERR_FILENO, line.data() + at, line.size() - at);
        if (n <= 0) break;
        at += static_cast<size_t>(n);
      }
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool done_ = false;
  std::thread thread_;
};

class DatagramSink final : public LogSink {
 public:
  explicit DatagramSink(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    to_.sun_family = AF_UNIX;
    std::memcpy(to_.sun_path, path.data(), std::min(path.size(), sizeof to_.sun_path - 1));
  }
  void write(const std::string& line) override {
    if (!fd_ || ::sendto(fd_.get(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&to_), sizeof to_) < 0)
      metrics::add(metrics::process().net_log_dropped);
  }

 private:
  os::UniqueFd fd_;
  sockaddr_un to_{};
};

bool names_a_socket(const std::filesystem::path& p) {
  struct stat st{};
  return ::stat(p.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

std::shared_ptr<LogSink> open_log_sink(const std::filesystem::path& target) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<LogSink>> open;
  std::lock_guard lock(mu);
  if (auto s = open[target.string()].lock()) return s;
  std::shared_ptr<LogSink> sink;
  if (target == "-")
    sink = std::make_shared<StderrSink>();
  else if (names_a_socket(target))
    sink = std::make_shared<DatagramSink>(target.string());
  else
    sink = std::make_shared<FileSink>(target);
  open[target.string()] = sink;
  return sink;
}

}  // namespace wasinet::net::policy
