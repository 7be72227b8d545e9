// The Network of a NetPolicy: asks the Matcher (and each ceiling's, which
// must allow too), records the decision, answers EACCES for every refusal,
// and pins what the guest resolves.
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
  PolicyNetwork(const NetPolicy& policy, const std::vector<NetCeiling>& ceilings)
      : matcher_(policy),
        log_(policy.log_file, policy.print_refusals, policy.log_guest),
        outbound_(policy.grants_outbound()) {
    for (const NetCeiling& c : ceilings) {
      ceilings_.push_back({net::policy::Matcher(c.policy), c.origin});
      outbound_ = outbound_ && c.policy.grants_outbound();
    }
  }

  wasi::Status check(const net::Request& request) override {
    Decision d = matcher_.decide(request, pins_);
    if (d.allowed) {
      // A ceiling bounds the operator's grants too: --listen is no grant
      // beyond it.
      net::Request bounded = request;
      bounded.by_operator = false;
      for (const Ceiling& c : ceilings_) {
        Decision cd = c.matcher.decide(bounded, pins_);
        if (cd.allowed) continue;
        cd.reason += " in the node ceiling " + c.origin;
        d = std::move(cd);
        break;
      }
    }
    log_.record(request, d);
    return d.allowed ? wasi::Errno::success : wasi::Errno::acces;
  }

  void resolved(std::string_view name, const std::vector<net::Address>& addresses) override {
    pins_.add(name, addresses);
  }

  bool grants_outbound() const override { return outbound_; }

 private:
  struct Ceiling {
    net::policy::Matcher matcher;
    std::string origin;
  };

  net::policy::Matcher matcher_;
  std::vector<Ceiling> ceilings_;
  net::policy::Pins pins_;
  net::policy::DecisionLog log_;
  bool outbound_;
};

}  // namespace

std::shared_ptr<net::Network> policy_network(const NetPolicy& policy,
                                             const std::vector<NetCeiling>& ceilings) {
  return std::make_shared<PolicyNetwork>(policy, ceilings);
}

}  // namespace wasinet
