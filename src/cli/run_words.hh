#pragma once
// The words of `wasinet run ...` before CLI11 sees them: where wasinet's own
// flags end and the program's words begin, and the network rule flags,
// which are read here as written.
//
// Why not through CLI11: for a flag whose value is optional, CLI11 (2.1)
// gives the flag's default both for the bare flag and for an empty value
// (Option::get_flag_value treats "" and "{}" as "no value"), so
// `--allow-net="$UNSET"` would mean `--allow-net`, everything. Only these
// words can tell the two apart.
#include <functional>
#include <string>
#include <vector>

#include "cli/net_flags.hh"

namespace wasinet::cli {

struct RunWords {
  std::vector<std::string> flags;  // for CLI11: "run" and wasinet's flags, rule flags taken out
  std::vector<std::string> guest;  // APP.wasm and its arguments, untouched (may be empty)
};

// `words` starts with "run". The program starts at the first word that is
// no flag (or after "--"); `takes_value(word)` says whether `word` is an
// option whose value may be the next word (--dir DIR).
//
// --allow-net and --allow-listen alone mean everything ("*"); with '=' they
// take the text after it as written, empty included (net_policy_from_flags
// refuses an empty rule). --deny-net needs '='. Throws wasinet::Error, a
// usage error of one line: a bare --deny-net, an empty value after '=' of
// an option that takes one (--net-log=), or a bare --allow-net directly
// before a "program" that is no file (`--allow-net loopback app.wasm`).
RunWords split_run_words(const std::vector<std::string>& words,
                         const std::function<bool(const std::string&)>& takes_value, NetFlags& net);

}  // namespace wasinet::cli
