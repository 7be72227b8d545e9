#!/usr/bin/env python3
"""Tests of check_layers.py (ctest: layer_rules_checker): small trees made
in a temporary directory, each breaking one rule, must fail with a line that
names the file, the line, the include and the rule; a clean one passes."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_layers.py")

CLEAN = {
    "src/os/unique_fd.hh": "#pragma once\n#include <unistd.h>\n",
    "src/wasi/fd_table.hh": '#pragma once\n#include "os/unique_fd.hh"\n#include "wasinet/error.hh"\n',
    "src/net/socket.hh": '#pragma once\n#include "wasi/fd_table.hh"\n',
    "src/net/policy/matcher.cc": '#include "net/socket.hh"\n',
    "src/engine/engine.hh": '#pragma once\n#include <span>\n#include "wasinet/error.hh"\n',
    "src/engine/wasmtime_engine.cc": '#include <wasmtime.h>\n#include "engine/engine.hh"\n',
    "src/abi/host_function.hh": '#include "engine/engine.hh"\n#include "wasi/fd_table.hh"\n',
    "src/runtime/runner.cc": '#include "abi/host_function.hh"\n#include "net/policy/matcher.hh"\n',
    "src/embed/wasmtime_embed.cc": '#include "wasinet/wasmtime.hh"\n#include "engine/wasmtime_binding.hh"\n',
    "src/cli/main.cc": '#include "runtime/runner.hh"\n',
    "include/wasinet/wasmtime.hh": '#include <wasmtime.h>\n#include "wasinet/config.hh"\n',
    "tests/unit/anything_test.cc": '#include "embed/x.hh"\n#include <wasmtime.h>\n',
}


def run_checker(files):
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        r = subprocess.run([sys.executable, CHECKER, root], capture_output=True, text=True)
        return r.returncode, r.stdout


def with_file(rel, text):
    files = dict(CLEAN)
    files[rel] = text
    return files


class CheckLayersTest(unittest.TestCase):
    def assert_fails(self, files, *expected):
        code, out = run_checker(files)
        self.assertEqual(code, 1, f"the checker passed a tree it must refuse:\n{out}")
        for e in expected:
            self.assertIn(e, out)
        self.assertEqual(len(out.splitlines()), 1, f"one problem, one line:\n{out}")

    def test_clean_tree_passes(self):
        code, out = run_checker(CLEAN)
        self.assertEqual(code, 0, out)
        self.assertEqual(out, "")

    def test_wasi_including_net_names_file_line_include_and_rule(self):
        self.assert_fails(
            with_file("src/wasi/poll.cc", '#include "wasi/fd_table.hh"\n\n#include "net/socket.hh"\n'),
            'src/wasi/poll.cc:3: #include "net/socket.hh" (net): not allowed: '
            "src/wasi may include wasi, os, metrics, api")

    def test_os_including_wasi(self):
        self.assert_fails(with_file("src/os/io_linux.hh", '#include "wasi/result.hh"\n'),
                          "src/os/io_linux.hh:1:", "src/os may include os, api")

    def test_policy_including_wasi(self):
        self.assert_fails(with_file("src/net/policy/x.cc", '#include "wasi/directory.hh"\n'),
                          "src/net/policy/x.cc:1:", "(wasi)", "src/net/policy may include")

    def test_net_including_its_policy(self):
        self.assert_fails(with_file("src/net/socket_calls.cc", '#include "net/policy/x.hh"\n'),
                          "(net/policy)", "src/net may include net, wasi, os, metrics, api")

    def test_engine_neutral_header_including_abi_or_wasmtime(self):
        self.assert_fails(with_file("src/engine/engine.hh", '#include "abi/guest_memory.hh"\n'),
                          "src/engine/engine.hh:1:", "(abi)")
        self.assert_fails(with_file("src/engine/engine.hh", "#include <wasmtime.h>\n"),
                          "src/engine/engine.hh:1: #include <wasmtime.h> (wasmtime)")

    def test_wasmtime_outside_engine_and_embed(self):
        self.assert_fails(with_file("src/abi/x.cc", "#include <wasmtime.h>\n"), "src/abi/x.cc:1:")
        self.assert_fails(with_file("src/runtime/x.cc", '#include "engine/wasmtime_binding.hh"\n'),
                          "(engine/wasmtime)")
        self.assert_fails(with_file("src/cli/x.cc", '#include "wasinet/wasmtime.hh"\n'),
                          "(api/wasmtime)")

    def test_layer_above_its_own(self):
        self.assert_fails(with_file("src/abi/x.cc", '#include "runtime/runner.hh"\n'), "(runtime)")

    def test_unknown_include_and_folder(self):
        self.assert_fails(with_file("src/abi/x.cc", '#include "layout.hh"\n'), "in no group")
        self.assert_fails(with_file("src/util/x.cc", "#include <vector>\n"),
                          "src/util/x.cc:1: in no layer")

    def test_file_over_600_lines(self):
        self.assert_fails(with_file("tests/unit/big_test.cc", "// x\n" * 601),
                          "tests/unit/big_test.cc:601: 601 lines")
        code, out = run_checker(with_file("sdk/go/ok.go", "// x\n" * 600))
        self.assertEqual(code, 0, out)

    def test_rules_print(self):
        r = subprocess.run([sys.executable, CHECKER, "--rules"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("src/wasi", r.stdout)
        self.assertIn("600 lines", r.stdout)


if __name__ == "__main__":
    unittest.main()
