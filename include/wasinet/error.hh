#pragma once
// Setup-time failures (bad module, bad flag, missing directory): one line a
// person can act on. Never thrown across the guest boundary.
#include <stdexcept>
#include <string>

namespace wasinet {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wasinet
