#include "net/policy/matcher.hh"
#include "wasinet/policy.hh"

namespace wasinet {

// Compiling the rules is the check: the Matcher throws naming the first
// malformed one.
void validate(const NetPolicy& policy) { (void)net::policy::Matcher(policy); }

}  // namespace wasinet
