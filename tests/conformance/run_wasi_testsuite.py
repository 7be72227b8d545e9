#!/usr/bin/env python3
"""Runs the prebuilt WASI preview1 test suite with wasinet.

    run_wasi_testsuite.py [--wasinet PATH] [--jobs N] [--filter TEXT] [SUITE_DIR]

SUITE_DIR defaults to ../shared/conformance/wasi-testsuite next to the
repository root. Every test of its c/ and assemblyscript/ folders runs:
NAME.wasm, with NAME.json beside it when present (legacy format: args, env,
dirs, root, exit_code, stdout, stderr; see the suite's specification.md).
Preopened directories are always fresh temporary copies, never the
originals. Prints one line per test (PASS/FAIL/...) and then
"N passed, N failed"; exits 1 if any test failed, 77 if the suite is absent.
Standard library only.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

SUITE_FOLDERS = ("c", "assemblyscript")
EXIT_SKIPPED = 77  # ctest's SKIP_RETURN_CODE for this test
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SUITE = os.path.join(REPO_ROOT, "..", "shared", "conformance", "wasi-testsuite")
DEFAULT_WASINET = os.environ.get("WASINET") or os.path.join(REPO_ROOT, "build", "wasinet")
TIMEOUT_S = 120


def load_spec(wasm_path):
    """The test's legacy JSON spec with defaults filled in."""
    spec = {"args": [], "env": {}, "dirs": [], "root": None,
            "exit_code": 0, "stdout": None, "stderr": None}
    json_path = wasm_path[: -len(".wasm")] + ".json"
    if os.path.exists(json_path):
        with open(json_path, encoding="utf-8") as f:
            given = json.load(f)
        if "operations" in given:
            raise ValueError("operation-based specs are not supported by this runner")
        spec.update(given)
    return spec


def make_writable(path):
    """Copies keep the originals' read-only modes; the guest must be able to write."""
    for dirpath, dirnames, filenames in os.walk(path):
        os.chmod(dirpath, os.stat(dirpath).st_mode | stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR | stat.S_IRUSR)


def remove_cleanup_files(path):
    """Leftovers of an earlier run (NAME.cleanup) must not be seen by a test."""
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            if name.endswith(".cleanup"):
                p = os.path.join(dirpath, name)
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p)
                else:
                    os.remove(p)


def copy_dir(src, dest):
    shutil.copytree(src, dest, symlinks=True)
    make_writable(dest)
    remove_cleanup_files(dest)


def one_line(text, limit=300):
    text = " | ".join(line for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + "..."


def run_test(wasinet, folder, name, wasm_path):
    """Returns (test id, passed, message)."""
    test_id = f"{folder}/{name}"
    try:
        spec = load_spec(wasm_path)
    except (OSError, ValueError) as e:
        return test_id, False, f"bad spec: {e}"
    test_dir = os.path.dirname(wasm_path)
    with tempfile.TemporaryDirectory(prefix="wasinet-wasi-testsuite-") as tmp:
        # Plain `wasinet run`, as a user types it: a guest granted no network
        # gets exactly the fds and environment its spec lists (fd 3 closed
        # when it names no directory; environ_* count the variables).
        # --no-cache only keeps the user's module cache out of it.
        cmd = [wasinet, "run", "--no-cache"]
        # With no preopen the guest still runs from the temporary directory.
        if spec.get("root"):
            copy = os.path.join(tmp, "root")
            copy_dir(os.path.join(test_dir, spec["root"]), copy)
            cmd += ["--dir", f"{copy}::/"]
        for d in spec.get("dirs") or []:
            copy = os.path.join(tmp, "dirs", d)
            copy_dir(os.path.join(test_dir, d), copy)
            cmd += ["--dir", f"{copy}::{d}"]
        for key, value in (spec.get("env") or {}).items():
            cmd += ["--env", f"{key}={value}"]
        cmd += ["--", wasm_path] + [str(a) for a in spec.get("args") or []]
        try:
            proc = subprocess.run(cmd, cwd=tmp, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return test_id, False, f"timed out after {TIMEOUT_S} s"
        except OSError as e:
            return test_id, False, f"cannot run {wasinet}: {e}"

    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    problems = []
    want_code = spec.get("exit_code", 0)
    if proc.returncode != want_code:
        problems.append(f"exit {proc.returncode}, expected {want_code}")
    if spec.get("stdout") is not None and stdout != spec["stdout"]:
        problems.append(f"stdout {stdout!r}, expected {spec['stdout']!r}")
    if spec.get("stderr") is not None and stderr != spec["stderr"]:
        problems.append(f"stderr {stderr!r}, expected {spec['stderr']!r}")
    if not problems:
        return test_id, True, ""
    message = "; ".join(problems)
    if stderr.strip() and spec.get("stderr") is None:
        message += f"; stderr: {one_line(stderr)}"
    return test_id, False, message


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", nargs="?", default=DEFAULT_SUITE,
                        help="the wasi-testsuite folder (default: %(default)s)")
    parser.add_argument("--wasinet", default=DEFAULT_WASINET,
                        help="the wasinet binary (default: $WASINET or build/wasinet)")
    parser.add_argument("--jobs", "-j", type=int, default=min(4, max(2, os.cpu_count() or 2)),
                        help="tests run at once (default: %(default)s)")
    parser.add_argument("--filter", default="",
                        help="run only tests whose FOLDER/NAME contains this text")
    args = parser.parse_args()

    suite = os.path.abspath(args.suite)
    if not os.path.isdir(suite):
        # One line, the test's last: scripts/test.sh shows it after ctest's
        # summary (ctest itself hides a skipped test's output).
        print(f"the WASI test suite (its c/ and assemblyscript/ folders) is not at {suite}: "
              f"it is kept outside the repository, in ../shared/conformance/wasi-testsuite "
              f"beside it; pass a copy's path as SUITE_DIR to run it")
        return EXIT_SKIPPED
    wasinet = os.path.abspath(args.wasinet)
    if not os.access(wasinet, os.X_OK):
        print(f"wasinet binary not found or not executable: {wasinet}", file=sys.stderr)
        return 2

    tests = []
    for folder in SUITE_FOLDERS:
        path = os.path.join(suite, folder)
        if not os.path.isdir(path):
            print(f"{folder}/: missing from {suite}, skipped")
            continue
        for entry in sorted(os.listdir(path)):
            if entry.endswith(".wasm") and args.filter in f"{folder}/{entry[:-5]}":
                tests.append((folder, entry[: -len(".wasm")], os.path.join(path, entry)))
    if not tests:
        print("no tests found")
        print("0 passed, 0 failed")
        return 1

    # Results are printed in a stable order whatever order they finish in.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda t: run_test(wasinet, *t), tests))
    passed = failed = 0
    for test_id, ok, message in results:
        if ok:
            passed += 1
            print(f"PASS {test_id}")
        else:
            failed += 1
            print(f"FAIL {test_id}: {message}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
