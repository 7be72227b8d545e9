// --net-policy FILE: the same rules as the flags, in TOML or JSON; and the
// same text from memory (an embedder's policy, the shim's node ceiling).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <toml++/toml.h>

#include "wasinet/error.hh"
#include "wasinet/policy.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;

// One value of the file, whichever format it came in.
struct Entry {
  enum class Kind : uint8_t { boolean, string, strings, other } kind = Kind::other;
  bool boolean = false;
  std::string string;
  std::vector<std::string> strings;
};

// Where the text came from: how messages name it, and the directory that
// relative paths in it mean (none for text from memory).
struct Source {
  std::string label;  // "--net-policy /etc/app.toml", "ConfigMap app-policy"
  std::string name;   // the file or origin alone, for the TOML parser
  std::optional<fs::path> dir;
};

[[noreturn]] void fail(const Source& src, const std::string& why) {
  throw Error(src.label + ": " + why);
}

std::vector<std::pair<std::string, Entry>> read_json(const Source& file, const std::string& text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number out of range ("1e999") is out_of_range.
    fail(file, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail(file, "expected a JSON object at the top");
  std::vector<std::pair<std::string, Entry>> out;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    Entry e;
    const nlohmann::json& v = it.value();
    if (v.is_boolean()) {
      e.kind = Entry::Kind::boolean;
      e.boolean = v.get<bool>();
    } else if (v.is_string()) {
      e.kind = Entry::Kind::string;
      e.string = v.get<std::string>();
    } else if (v.is_array()) {
      e.kind = Entry::Kind::strings;
      for (const nlohmann::json& item : v) {
        if (!item.is_string()) fail(file, "\"" + it.key() + "\": every item must be a string");
        e.strings.push_back(item.get<std::string>());
      }
    }
    out.emplace_back(it.key(), std::move(e));
  }
  return out;
}

std::vector<std::pair<std::string, Entry>> read_toml(const Source& file, const std::string& text) {
  toml::table doc;
  try {
    doc = toml::parse(text, file.name);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    fail(file, "not valid TOML (" + where.str() + "): " + std::string(e.description()));
  }
  std::vector<std::pair<std::string, Entry>> out;
  for (auto&& [key, node] : doc) {
    Entry e;
    const std::string name(key.str());
    if (auto b = node.value_exact<bool>(); b && node.is_boolean()) {
      e.kind = Entry::Kind::boolean;
      e.boolean = *b;
    } else if (node.is_string()) {
      e.kind = Entry::Kind::string;
      e.string = *node.value<std::string>();
    } else if (const toml::array* a = node.as_array()) {
      e.kind = Entry::Kind::strings;
      for (const toml::node& item : *a) {
        if (!item.is_string()) fail(file, "\"" + name + "\": every item must be a string");
        e.strings.push_back(*item.value<std::string>());
      }
    }
    out.emplace_back(name, std::move(e));
  }
  return out;
}

// Relative paths in a file mean "next to the file", wherever wasinet runs;
// text from memory has no directory, so they are an error there.
std::string beside(const Source& src, const std::string& path) {
  const fs::path p(path);
  if (p.is_absolute() || path.empty()) return path;
  if (!src.dir)
    fail(src, "\"" + path + "\" is a relative path, and a policy given as text has no directory to "
              "resolve it against");
  return (*src.dir / p).lexically_normal().string();
}

void merge(const Source& file, const std::string& text, bool toml, NetPolicy& into);

}  // namespace

void load_policy_file(const fs::path& file, NetPolicy& into) {
  const Source src{"--net-policy " + file.string(), file.string(), file.parent_path()};
  // A directory opens as an empty stream, which would read as bad JSON:
  // say what it is, and otherwise why the file cannot be read.
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec) fail(src, ec.message());
  if (fs::is_directory(st)) fail(src, "is a directory, not a policy file");
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(src, std::string("cannot read the file: ") + (errno ? std::strerror(errno) : "unknown error"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  merge(src, buffer.str(), file.extension() == ".toml", into);
}

void load_policy_text(std::string_view text, std::string_view format, const std::string& origin,
                      NetPolicy& into) {
  const Source src{origin, origin, std::nullopt};
  if (format != "toml" && format != "json")
    fail(src, "unknown policy format \"" + std::string(format) + "\" (toml or json)");
  merge(src, std::string(text), format == "toml", into);
}

namespace {

void merge(const Source& file, const std::string& text, bool toml, NetPolicy& into) {
  const auto entries = toml ? read_toml(file, text) : read_json(file, text);

  NetPolicy add;
  for (const auto& [key, e] : entries) {
    auto rules = [&, &key = key, &e = e](std::vector<std::string>& to, bool may_be_true) {
      if (e.kind == Entry::Kind::strings) {
        to.insert(to.end(), e.strings.begin(), e.strings.end());
      } else if (may_be_true && e.kind == Entry::Kind::boolean) {
        if (e.boolean) to.push_back("*");
      } else {
        fail(file, "\"" + key + "\" must be an array of strings" +
                       (may_be_true ? std::string(" (or true for everything)") : std::string()));
      }
    };
    if (key == "allow-net") {
      rules(add.allow_net, true);
    } else if (key == "deny-net") {
      rules(add.deny_net, false);
    } else if (key == "allow-listen") {
      rules(add.allow_listen, true);
    } else if (key == "allow-unix") {
      rules(add.allow_unix, false);
      for (std::string& p : add.allow_unix) p = beside(file, p);
    } else if (key == "allow-dns") {
      if (e.kind != Entry::Kind::boolean) fail(file, "\"allow-dns\" must be true or false");
      add.allow_dns = e.boolean;
    } else if (key == "net-log") {
      if (e.kind != Entry::Kind::string || e.string.empty())
        fail(file, "\"net-log\" must be a file name");
      add.log_file = beside(file, e.string);
    } else {
      fail(file, "unknown key \"" + key +
                     "\" (known: allow-net, deny-net, allow-listen, allow-unix, allow-dns, net-log)");
    }
  }
  // The file's own rules first get their messages naming the file.
  try {
    validate(add);
  } catch (const Error& e) {
    fail(file, e.what());
  }
  into.allow_net.insert(into.allow_net.end(), add.allow_net.begin(), add.allow_net.end());
  into.deny_net.insert(into.deny_net.end(), add.deny_net.begin(), add.deny_net.end());
  into.allow_listen.insert(into.allow_listen.end(), add.allow_listen.begin(), add.allow_listen.end());
  into.allow_unix.insert(into.allow_unix.end(), add.allow_unix.begin(), add.allow_unix.end());
  into.allow_dns = into.allow_dns || add.allow_dns;
  if (into.log_file.empty()) into.log_file = add.log_file;
}

}  // namespace
}  // namespace wasinet
