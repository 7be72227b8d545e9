#!/usr/bin/env python3
"""The layer rules of wasinet's sources, checked (ctest: layer_rules).

    check_layers.py [ROOT]     check the tree at ROOT (default: this repository)
    check_layers.py --rules    print the rules

Two rules:
  1. Includes. Every C++ file under a path of RULES may include only the
     groups its row lists (a file belongs to the longest path that holds it;
     an include to the group of its longest prefix in INCLUDE_GROUPS). Other
     system headers (<...>) are always allowed; a quoted include that is in
     no group is an error, as is a C++ file under src/ in no layer.
  2. Size. No source file has more than MAX_LINES lines.

Each problem is one line: FILE:LINE: what is wrong, and the rule. Exit status
1 when there is any. The link dependencies of cmake/Layers.cmake mirror the
include rules (each layer's library links only the layers its row lists), so
a call the rules forbid also fails the build; this check names the line.
"""
import os
import re
import sys

MAX_LINES = 600

# Files under PATH may include these groups (and nothing else of ours).
#   api           the public headers include/wasinet/*.hh, but wasmtime.hh
#   api/wasmtime  include/wasinet/wasmtime.hh: the embedding API on wasmtime
#   wasmtime      the engine's own headers (<wasmtime.h>, <wasm.h>, ...)
#   engine/wasmtime  src/engine/wasmtime_*.hh: the binding, wasmtime types
RULES = {
    # path                          may include
    "src/metrics":                  ["metrics"],  # header-only counters, below every layer
    "src/os":                       ["os", "api"],
    "src/wasi":                     ["wasi", "os", "metrics", "api"],
    "src/net":                      ["net", "wasi", "os", "metrics", "api"],
    "src/net/policy":               ["net/policy", "net", "os", "metrics", "api"],
    "src/engine":                   ["engine", "engine/wasmtime", "wasmtime", "os", "api"],
    "src/engine/engine.hh":         ["engine", "api"],  # engine-neutral: no engine type
    "src/abi":                      ["abi", "engine", "net", "wasi", "os", "metrics", "api"],
    "src/runtime":                  ["runtime", "abi", "engine", "net/policy", "net", "wasi", "os",
                                     "metrics", "api"],
    "src/embed":                    ["embed", "runtime", "abi", "engine", "engine/wasmtime",
                                     "net/policy", "net", "wasi", "os", "api", "api/wasmtime",
                                     "wasmtime"],
    "src/capi":                     ["capi", "runtime", "abi", "engine", "net/policy", "net", "wasi", "os",
                                     "metrics", "api", "api/c"],
    "src/cli":                      ["cli", "runtime", "engine", "net/policy", "net", "wasi", "os",
                                     "metrics", "api"],
    "include/wasinet":              ["api"],
    "include/wasinet/wasmtime.hh":  ["api", "api/wasmtime", "wasmtime"],
    "examples/embed":               ["api", "api/wasmtime", "wasmtime"],
}

# Include prefix (as written, quotes or brackets included) -> group.
INCLUDE_GROUPS = {
    '"os/': "os",
    '"metrics/': "metrics",
    '"wasi/': "wasi",
    '"net/': "net",
    '"net/policy/': "net/policy",
    '"engine/': "engine",
    '"engine/wasmtime': "engine/wasmtime",
    '"abi/': "abi",
    '"runtime/': "runtime",
    '"embed/': "embed",
    '"cli/': "cli",
    '"capi/': "capi",
    '"wasinet/wasinet.h"': "api/c",
    '"wasinet/': "api",
    '"wasinet/wasmtime.hh"': "api/wasmtime",
    "<wasmtime.h>": "wasmtime",
    "<wasmtime.hh>": "wasmtime",
    "<wasmtime/": "wasmtime",
    "<wasm.h>": "wasmtime",
    "<wasi.h>": "wasmtime",
}

CPP_EXTENSIONS = (".cc", ".hh", ".h", ".cpp", ".hpp", ".c")
SOURCE_EXTENSIONS = CPP_EXTENSIONS + (".go", ".py", ".sh", ".rs", ".cmake")
SOURCE_NAMES = ("CMakeLists.txt", "Makefile")
SKIP_DIRS = ("node_modules", "target", "__pycache__")  # and build*, .*
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"][^>"]+[>"])')


def longest_match(key, table, sep):
    """The entry of `table` that is the longest prefix of `key` ending at `sep`."""
    best = None
    for prefix in table:
        if key == prefix or key.startswith(prefix if prefix.endswith(sep) else prefix + sep):
            if best is None or len(prefix) > len(best):
                best = prefix
    return best


def include_group(spelled):
    best = None
    for prefix in INCLUDE_GROUPS:
        if spelled.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return INCLUDE_GROUPS[best] if best else None


def describe(layer):
    return f"{layer} may include {', '.join(RULES[layer])}"


def check_includes(rel, path, problems):
    layer = longest_match(rel, RULES, "/")
    if layer is None:
        if rel.startswith("src/"):
            problems.append(f"{rel}:1: in no layer: add its folder to RULES in "
                            f"tests/layers/check_layers.py and to cmake/Layers.cmake")
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            spelled = m.group(1)
            group = include_group(spelled)
            if group is None:
                if spelled.startswith('"'):
                    problems.append(f"{rel}:{number}: #include {spelled}: in no group (write "
                                    f"includes from src/ or include/, e.g. \"wasi/fd_table.hh\")")
                continue
            if group not in RULES[layer]:
                problems.append(f"{rel}:{number}: #include {spelled} ({group}): "
                                f"not allowed: {describe(layer)}")


def check_size(rel, path, problems):
    with open(path, "rb") as f:
        lines = sum(1 for _ in f)
    if lines > MAX_LINES:
        problems.append(f"{rel}:{lines}: {lines} lines: no source file over {MAX_LINES} lines "
                        f"(split it by concern)")


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "build"))
                             and d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(SOURCE_EXTENSIONS) or name in SOURCE_NAMES:
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, root).replace(os.sep, "/"), path


def check(root):
    problems = []
    for rel, path in source_files(root):
        if rel.endswith(CPP_EXTENSIONS):
            check_includes(rel, path, problems)
        check_size(rel, path, problems)
    return problems


def print_rules():
    width = max(len(p) for p in RULES)
    print(f"{'files under':<{width}}  may include")
    for path, groups in RULES.items():
        print(f"{path:<{width}}  {', '.join(groups)}")
    print(f"\nand no source file over {MAX_LINES} lines.")


def main(argv):
    if argv[1:] == ["--rules"]:
        print_rules()
        return 0
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..")
    root = os.path.abspath(root)
    if not os.path.isdir(os.path.join(root, "src")):
        print(f"check_layers: {root} has no src/ folder", file=sys.stderr)
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} problem(s); the rules: "
              f"tests/layers/check_layers.py --rules", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
