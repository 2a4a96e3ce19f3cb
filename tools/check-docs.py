#!/usr/bin/env python3
"""Check that the docs name only what exists (make test runs it).

Reads README.md, docs/**/*.md and every README.md under src/, userland/,
test/, tools/ and boards/, and fails (exit 1, one line per problem) when
  - a Markdown link points at a file or directory of the tree that is not
    there (links to the web and to #anchors are not checked);
  - a code span that names a file of the tree (`src/trap/entry.S`,
    `userland/lib/syscall.h`, ...) names one that is not there (unless the
    source spells it out: a ctest name such as `userland/sh-on-linux`);
  - a code span that looks like a C symbol of ours (`trap_dispatch`,
    `syscall_handle()`, `struct trap_frame`, `SSTATUS_SUM`: a name with an
    underscore, or followed by "()") is not a word anywhere in the tree's
    source (src/, userland/, test/, tools/, boards/, cmake/, the build
    files).
A name that belongs to another project is allowed when the text just
before it says whose it is ("Linux's `mm_cpumask`", "glibc's `__libc_start_main`"),
or when it is listed in tools/check-docs.allow (one name a line, # comments).

Usage: check-docs.py [--root DIR] [-v]
"""
import argparse
import os
import re
import sys

SOURCE_DIRS = ("src", "userland", "test", "tools", "boards", "cmake", "dts")
SOURCE_FILES = ("CMakeLists.txt", "Makefile", ".ci/run")
SOURCE_EXT = (".c", ".h", ".S", ".s", ".py", ".sh", ".cmake", ".txt", ".ld", ".mk",
              ".dts", ".dtsi", ".def", "")
# Words in front of a name that say it is another project's.
FOREIGN = re.compile(r"(Linux|linux|glibc|xv6|OpenSBI|QEMU|qemu|busybox|U-Boot|picolibc|seL4|"
                     r"GCC|gcc|POSIX|musl|FreeBSD|BSD|Debian|sparse|libFuzzer|e2fsck|mke2fs|"
                     r"debugfs|gdb|ctest|cmake|CMake|python|Python)('s)?\b[^`.;:]{0,40}$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")
SYMBOL = re.compile(r"^(?:struct |enum |union )?([A-Za-z_][A-Za-z0-9_]*)(\(\))?$")
PATHLIKE = re.compile(r"^(?:\.\./)*(src|userland|test|tools|boards|docs|cmake|dts|\.ci)/[\w./+-]*$")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def doc_files(root):
    out = [os.path.join(root, "README.md")]
    for top in ("docs",) + SOURCE_DIRS:
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for f in filenames:
                if f.endswith(".md") and (top == "docs" or f == "README.md"):
                    out.append(os.path.join(dirpath, f))
    return sorted(p for p in out if os.path.isfile(p))


def source_text(root):
    """Every source file's text, for the names the docs may use."""
    texts = []
    paths = [os.path.join(root, f) for f in SOURCE_FILES]
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for f in filenames:
                if os.path.splitext(f)[1] in SOURCE_EXT and not f.endswith(".md"):
                    paths.append(os.path.join(dirpath, f))
    for p in paths:
        try:
            with open(p, encoding="utf-8", errors="replace") as fh:
                texts.append(fh.read())
        except (IsADirectoryError, FileNotFoundError):
            pass
    return "\n".join(texts)


def load_allow(root):
    allow = set()
    path = os.path.join(root, "tools", "check-docs.allow")
    if os.path.isfile(path):
        with open(path) as fh:
            for line in fh:
                line = line.split("#", 1)[0].strip()
                if line:
                    allow.add(line)
    return allow


def strip_fences(text):
    """Blank out fenced code blocks (examples, console output), keeping lines."""
    out, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append("")
        else:
            out.append("" if fenced else line)
    return out


def check_file(path, root, text, words, allow):
    problems = []
    rel = os.path.relpath(path, root)
    here = os.path.dirname(path)
    with open(path, encoding="utf-8") as fh:
        lines = strip_fences(fh.read())
    for n, line in enumerate(lines, 1):
        if line.startswith("    ") and not line.lstrip().startswith(("-", "*", "|")):
            continue  # an indented code block: console output, examples
        for m in LINK.finditer(line):
            target = m.group(1).split("#", 1)[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            if not os.path.exists(os.path.normpath(os.path.join(here, target))):
                problems.append("%s:%d: link to %s: no such file" % (rel, n, m.group(1)))
        for m in CODE.finditer(line):
            span = m.group(1).strip()
            before = line[:m.start()]
            if PATHLIKE.match(span):
                p = span
                while p.startswith("../"):
                    p = p[3:]
                if not os.path.exists(os.path.join(root, p.rstrip("/"))) and span not in text:
                    problems.append("%s:%d: `%s`: no such file" % (rel, n, span))
                continue
            s = SYMBOL.match(span)
            if not s:
                continue
            name, call = s.group(1), s.group(2)
            if "_" not in name.strip("_") and not call:
                continue  # a plain word: a command, a register, prose
            if name in words or name in allow or span in allow:
                continue
            if FOREIGN.search(before):
                continue
            problems.append("%s:%d: `%s`: not in the source" % (rel, n, span))
    return problems


def main():
    ap = argparse.ArgumentParser(description="Check the names and links in the docs.")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("-v", action="store_true", help="list the files checked")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    text, allow = source_text(root), load_allow(root)
    words = set(WORD.findall(text))
    problems, files = [], doc_files(root)
    for f in files:
        if args.v:
            print("checking", os.path.relpath(f, root))
        problems += check_file(f, root, text, words, allow)
    for p in problems:
        print(p)
    print("check-docs: %d files, %d problems" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
