#include "os/stack_thread.hh"

#include <pthread.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <string>

#include "wasinet/error.hh"

namespace wasinet::os {
namespace {

struct Job {
  const std::function<void()>* fn;
  std::exception_ptr error;
};

void* run_job(void* arg) {
  auto* job = static_cast<Job*>(arg);
  try {
    (*job->fn)();
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}

}  // namespace

// POSIX pthread_create with pthread_attr_setstacksize.
void run_with_stack(size_t stack_bytes, const std::function<void()>& fn) {
  const long page = ::sysconf(_SC_PAGESIZE);
  const size_t p = page > 0 ? static_cast<size_t>(page) : 4096;
  const size_t size = (stack_bytes + p - 1) / p * p;
  pthread_attr_t attr;
  if (int e = ::pthread_attr_init(&attr); e != 0)
    throw Error(std::string("cannot set up a thread: ") + std::strerror(e));
  struct Destroy {
    pthread_attr_t* a;
    ~Destroy() { ::pthread_attr_destroy(a); }
  } destroy{&attr};
  if (int e = ::pthread_attr_setstacksize(&attr, size); e != 0)
    throw Error("cannot give a thread a stack of " + std::to_string(size) + " bytes: " +
                std::strerror(e));
  Job job{&fn, nullptr};
  pthread_t thread;
  if (int e = ::pthread_create(&thread, &attr, run_job, &job); e != 0)
    throw Error("cannot start a thread with a stack of " + std::to_string(size >> 20) +
                " MiB: " + std::strerror(e));
  ::pthread_join(thread, nullptr);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace wasinet::os
