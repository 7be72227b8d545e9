#!/usr/bin/env python3
"""Prints why each skipped test was skipped, from ctest's JUnit report.

    skipped_tests.py REPORT.xml

ctest shows a skipped test as "***Skipped" and keeps its output to itself,
so the one line such a test prints about what it skipped and why would be
lost. This prints "NAME skipped: LINE" for each, using the test's last
output line (the tests end with their reason). Nothing when none was
skipped; standard library only.
"""

import sys
import xml.etree.ElementTree as ET


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"skipped_tests: cannot read {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    for case in root.iter("testcase"):
        if case.find("skipped") is None:
            continue
        out = case.findtext("system-out") or ""
        reason = [line.strip() for line in out.splitlines() if line.strip()]
        print(f"{case.get('name')} skipped: {reason[-1] if reason else '(it printed no reason)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
