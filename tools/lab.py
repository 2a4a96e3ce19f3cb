#!/usr/bin/env python3
"""lab.py: make the course labs' student trees and grade them (docs/labs/).

    lab.py list                          the labs and their checks
    lab.py make LAB DEST                 DEST: a copy of this tree with LAB's
                                         solution regions replaced by stubs
    lab.py grade LAB [--build-dir DIR]   run LAB's checks on DIR's kernel
                                         (default build/qemu-virt), print points
    lab.py selftest LAB                  make test's proof: this tree scores
                                         full marks, the student tree builds
                                         and scores less

A solution region in the kernel is marked by three comment lines:

    /* LAB traps: begin (docs/labs/traps.md, task 1: ...) */
    ... the real code, compiled in this tree ...
    /* LAB traps: stub
    ... what the student starts from, compiled in the student tree ...
       LAB traps: end */

In the student tree the region becomes a TODO comment (the begin line's
text) and the stub.  Checks are QEMU cases in test/labs/LAB.py, with a
POINTS table; grade exits 0 only with full marks.
"""
import argparse
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABS_DIR = os.path.join(SRC, "test", "labs")
RUNNER = os.path.join(SRC, "test", "qemu", "sluice_qemu.py")
MARKED_DIRS = ("src", "userland")


def labs():
    return sorted(f[:-3] for f in os.listdir(LABS_DIR) if f.endswith(".py"))


def load(lab):
    path = os.path.join(LABS_DIR, lab + ".py")
    if not os.path.exists(path):
        sys.exit("lab.py: no lab '%s' (labs: %s)" % (lab, ", ".join(labs())))
    sys.path.insert(0, os.path.join(SRC, "test", "qemu"))
    return path, runpy.run_path(path)


def strip_regions(text, lab, where):
    """text with lab's regions replaced by their stubs; (new text, count)."""
    begin = re.compile(r"^(\s*)/\* LAB %s: begin(.*?)\*/\s*$" % re.escape(lab))
    out, lines, i, count = [], text.split("\n"), 0, 0
    while i < len(lines):
        m = begin.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and "/* LAB %s: stub" % lab not in lines[j]:
            j += 1
        k = j + 1
        while k < len(lines) and "LAB %s: end */" % lab not in lines[k]:
            k += 1
        if k >= len(lines):
            sys.exit("lab.py: %s:%d: a '%s' region without its stub or end" % (where, i + 1, lab))
        if any("*/" in l or "/*" in l for l in lines[j + 1:k]):
            sys.exit("lab.py: %s:%d: a stub may not hold a comment: in this tree it is one" %
                     (where, j + 1))
        out.append("%s/* TODO (lab %s)%s */" % (m.group(1), lab, m.group(2)))
        out.extend(lines[j + 1:k])
        count += 1
        i = k + 1
    return "\n".join(out), count


def tracked_files():
    r = subprocess.run(["git", "-C", SRC, "ls-files", "-z"], stdout=subprocess.PIPE, check=True)
    return [f for f in r.stdout.decode().split("\0") if f]


def make(lab, dest):
    load(lab)
    if os.path.exists(dest):
        sys.exit("lab.py: %s exists: choose a new directory" % dest)
    total = 0
    for f in tracked_files():
        if not os.path.exists(os.path.join(SRC, f)):
            continue  # deleted in the working tree
        target = os.path.join(dest, f)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(SRC, f), target)
        if f.split("/")[0] in MARKED_DIRS and f.endswith((".c", ".h", ".S")):
            with open(target) as fh:
                text = fh.read()
            new, n = strip_regions(text, lab, f)
            if n:
                with open(target, "w") as fh:
                    fh.write(new)
                print("lab %s: %s: %d region%s for you" % (lab, f, n, "" if n == 1 else "s"))
                total += n
    if not total:
        sys.exit("lab.py: no region of lab '%s' found" % lab)
    print("lab %s: the student tree is %s (handout: docs/labs/%s.md; grade: make grade LAB=%s)"
          % (lab, dest, lab, lab))


def grade(lab, build_dir):
    path, mod = load(lab)
    points, got = mod["POINTS"], 0
    for case in mod["CASES"]:
        r = subprocess.run([sys.executable, RUNNER, "--cases-file", path, "--build-dir", build_dir,
                            "--case", case.name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        ok = r.returncode == 0
        got += points[case.name] if ok else 0
        print("%-28s %3d/%-3d %s" % (case.name, points[case.name] if ok else 0, points[case.name],
                                     case.description if ok else "FAIL: " + case.description))
        if not ok:
            fails = [l.strip() for l in r.stdout.splitlines() if "FAIL" in l][:2]
            for l in fails:
                print("    " + l)
    full = sum(points.values())
    print("Score (lab %s): %d/%d" % (lab, got, full))
    return got, full


def selftest(lab):
    got, full = grade(lab, os.path.join(SRC, "build", "qemu-virt"))
    if got != full:
        print("lab.py selftest: this tree (the solution) scores %d/%d, not full marks" % (got, full))
        return 1
    with tempfile.TemporaryDirectory(prefix="sluice-lab-") as tmp:
        tree = os.path.join(tmp, "tree")
        make(lab, tree)
        build = os.path.join(tree, "build", "qemu-virt")
        debs = os.path.join(SRC, "build", "debs")
        for cmd in (["cmake", "-S", tree, "-B", build, "-DBOARD=qemu-virt",
                     "-DSLUICE_DEBS_DIR=" + debs],
                    ["cmake", "--build", build, "-j%d" % (os.cpu_count() or 1)]):
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode:
                print(r.stdout[-3000:])
                print("lab.py selftest: the student tree does not build (%s)" % " ".join(cmd[:2]))
                return 1
        sgot, _ = grade(lab, build)
    if sgot >= full:
        print("lab.py selftest: the student tree scores full marks: the stubs do not remove the work")
        return 1
    print("lab.py selftest: solution %d/%d, student tree %d/%d: ok" % (got, full, sgot, full))
    return 0


def main():
    ap = argparse.ArgumentParser(description="the course labs (docs/labs/)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    m = sub.add_parser("make")
    m.add_argument("lab")
    m.add_argument("dest")
    g = sub.add_parser("grade")
    g.add_argument("lab")
    g.add_argument("--build-dir", default=os.path.join(SRC, "build", "qemu-virt"))
    s = sub.add_parser("selftest")
    s.add_argument("lab")
    args = ap.parse_args()
    if args.cmd == "list":
        for lab in labs():
            _, mod = load(lab)
            print("%s: %s" % (lab, ", ".join("%s (%d)" % (c.name, mod["POINTS"][c.name])
                                             for c in mod["CASES"])))
        return 0
    if args.cmd == "make":
        make(args.lab, args.dest)
        return 0
    if args.cmd == "grade":
        got, full = grade(args.lab, args.build_dir)
        return 0 if got == full else 1
    return selftest(args.lab)


if __name__ == "__main__":
    sys.exit(main())
