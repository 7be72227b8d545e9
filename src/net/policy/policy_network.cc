// The Network of a NetPolicy: asks the Matcher, records the decision,
// answers EACCES for every refusal, and pins what the guest resolves.
#include <memory>

#include "net/network.hh"
#include "net/policy/decision_log.hh"
#include "net/policy/matcher.hh"
#include "net/policy/pins.hh"
#include "wasinet/policy.hh"

namespace wasinet {
namespace {

using net::policy::Decision;

class PolicyNetwork final : public net::Network {
 public:
  explicit PolicyNetwork(const NetPolicy& policy)
      : matcher_(policy),
        log_(policy.log_file, policy.print_refusals, policy.log_guest),
        outbound_(policy.grants_outbound()) {}

  wasi::Status check(const net::Request& request) override {
    const Decision d = matcher_.decide(request, pins_);
    log_.record(request, d);
    return d.allowed ? wasi::Errno::success : wasi::Errno::acces;
  }

  void resolved(std::string_view name, const std::vector<net::Address>& addresses) override {
    pins_.add(name, addresses);
  }

  bool grants_outbound() const override { return outbound_; }

 private:
  net::policy::Matcher matcher_;
  net::policy::Pins pins_;
  net::policy::DecisionLog log_;
  bool outbound_;
};

}  // namespace

std::shared_ptr<net::Network> policy_network(const NetPolicy& policy) {
  return std::make_shared<PolicyNetwork>(policy);
}

}  // namespace wasinet
