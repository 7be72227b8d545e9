#include "cli/help_formatter.hh"

#include <string>

namespace wasinet::cli {
namespace {

class HelpFormatter final : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool positional) const override {
    std::string name = CLI::Formatter::make_option_name(opt, positional);
    for (size_t at; (at = name.find("{*}")) != std::string::npos;) name.erase(at, 3);
    return name;
  }
};

}  // namespace

std::shared_ptr<CLI::Formatter> help_formatter() { return std::make_shared<HelpFormatter>(); }

}  // namespace wasinet::cli
