#include "cli/dir_flag.hh"

#include <cctype>
#include <string_view>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

constexpr const char* kForms = "expected HOST, HOST::GUEST, with :ro (read-only) or :rw (the default) after either";

[[noreturn]] void fail(const std::string& value, const std::string& why) {
  throw Error("--dir " + (value.empty() ? std::string("''") : value) + ": " + why);
}

// Sets read_only from the text after the separating ':'.
void apply_suffix(const std::string& value, std::string_view suffix, bool host_only, DirMapping& d) {
  if (suffix == "ro") {
    d.read_only = true;
    return;
  }
  if (suffix == "rw") return;
  std::string why = "unknown suffix \":" + std::string(suffix) + "\" (only :ro and :rw)";
  std::string lower(suffix);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "ro" || lower == "rw") why += "; did you mean \":" + lower + "\"?";
  if (host_only) why += "; a directory whose name has ':' needs ::GUEST";
  fail(value, why);
}

// The guest path of a relative HOST: "/" plus the path with "." and empty
// names dropped and ".." applied. Climbing above the host's working
// directory has no place under the guest's "/": the operator must name it.
std::string guest_path_of_relative(const std::string& value, const std::string& host) {
  std::vector<std::string_view> names;
  std::string_view rest = host;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view name = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      if (names.empty())
        fail(value, "a relative directory above the working directory needs a guest path, e.g. --dir " + host +
                        "::/data");
      names.pop_back();
      continue;
    }
    names.push_back(name);
  }
  std::string guest;
  for (std::string_view n : names) (guest += '/') += n;
  return guest.empty() ? "/" : guest;
}

}  // namespace

DirMapping parse_dir_flag(const std::string& value) {
  if (value.empty()) fail(value, std::string("empty; ") + kForms);
  DirMapping d;
  if (const size_t sep = value.find("::"); sep != std::string::npos) {
    // HOST::GUEST[:SUFFIX]: a guest path holds no ':', so the first one
    // after the separator starts the suffix ("/data:RO" is not a name).
    d.host = value.substr(0, sep);
    const std::string rest = value.substr(sep + 2);
    const size_t colon = rest.find(':');
    d.guest = rest.substr(0, colon);
    if (colon != std::string::npos) apply_suffix(value, std::string_view(rest).substr(colon + 1), false, d);
    if (d.host.empty() || d.guest.empty()) fail(value, kForms);
    return d;
  }
  // HOST[:SUFFIX]: a last ':' with no '/' after it starts the suffix.
  d.host = value;
  if (const size_t colon = value.rfind(':');
      colon != std::string::npos && value.find('/', colon) == std::string::npos) {
    d.host = value.substr(0, colon);
    apply_suffix(value, std::string_view(value).substr(colon + 1), true, d);
  }
  if (d.host.empty()) fail(value, kForms);
  d.guest = d.host.front() == '/' ? d.host : guest_path_of_relative(value, d.host);
  return d;
}

bool dir_flag_seen_from_root(const std::string& value) {
  return !value.empty() && value.front() != '/' && value.find("::") == std::string::npos;
}

DirFlags parse_dir_flags(const std::vector<std::string>& values) {
  DirFlags out;
  for (const std::string& v : values) out.dirs.push_back(parse_dir_flag(v));
  if (!values.empty() && dir_flag_seen_from_root(values.front())) out.working_dir = "/";
  return out;
}

}  // namespace wasinet::cli
