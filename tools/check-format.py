#!/usr/bin/env python3
"""check-format.py: every C file of the project is as clang-format leaves it.

The house style is .clang-format at the top (Linux kernel style: tabs, 8
wide, 100 columns).  This runs clang-format --dry-run on every tracked .c
and .h under src/, userland/ and test/ and lists the files it would change;
exit status 1 if any.  To fix them:

    clang-format -i $(git ls-files 'src/*.[ch]' 'userland/*.[ch]' 'test/*.[ch]')

Usage: check-format.py [--clang-format PATH]
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRS = ("src", "userland", "test")


def c_files():
    """The tracked C files (git), or every one on disk outside a checkout."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--"]
                             + ["%s/*.c" % d for d in DIRS] + ["%s/*.h" % d for d in DIRS],
                             capture_output=True, text=True, check=True).stdout.split()
        return [ROOT / f for f in out]
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for d in DIRS for ext in ("*.c", "*.h") for p in (ROOT / d).rglob(ext))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clang-format", default=shutil.which("clang-format"))
    args = ap.parse_args()
    if not args.clang_format:
        print("check-format: clang-format not found (Debian package clang-format; "
              "tools/ensure-deps.sh installs it)")
        return 1
    files = c_files()
    bad = []
    for i in range(0, len(files), 50):
        chunk = [str(f) for f in files[i:i + 50]]
        r = subprocess.run([args.clang_format, "--dry-run", "-Werror", "--style=file"] + chunk,
                           capture_output=True, text=True, cwd=ROOT)
        if r.returncode:
            for line in r.stderr.splitlines():
                if ": error:" in line:
                    name = line.split(":", 1)[0]
                    if name not in bad:
                        bad.append(name)
    for name in bad:
        print("check-format: %s is not as clang-format leaves it" % Path(name).relative_to(ROOT))
    print("check-format: %d files, %d to format" % (len(files), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
