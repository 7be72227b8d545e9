#include "net/network.hh"

namespace wasinet::net {
namespace {

class Unrestricted final : public Network {
 public:
  wasi::Status check(const Request&) override { return wasi::Errno::success; }
  bool grants_outbound() const override { return true; }
};

}  // namespace

const char* operation_name(Operation op) {
  switch (op) {
    case Operation::open: return "open";
    case Operation::bind: return "bind";
    case Operation::connect: return "connect";
    case Operation::listen: return "listen";
    case Operation::accept: return "accept";
    case Operation::send: return "send";
    case Operation::resolve: return "resolve";
  }
  return "?";
}

std::shared_ptr<Network> unrestricted() { return std::make_shared<Unrestricted>(); }

}  // namespace wasinet::net
