#pragma once
// How `wasinet --help` prints options.
#include <CLI/CLI.hpp>
#include <memory>

namespace wasinet::cli {

// CLI11's formatter, except that a flag taking an optional value
// ("--allow-net{*}") is shown by its plain name: its type name
// ("=RULE,...") already says what may follow.
std::shared_ptr<CLI::Formatter> help_formatter();

}  // namespace wasinet::cli
