#!/usr/bin/env python3
"""Prove check-docs.py can fail: a small tree with one good and several
broken references must give exactly the expected problems (make test)."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "src/trap"))
        os.makedirs(os.path.join(root, "docs"))
        with open(os.path.join(root, "src/trap/trap.c"), "w") as f:
            f.write("void trap_dispatch(struct trap_frame *tf) {}\n#define SSTATUS_SUM 1\n")
        with open(os.path.join(root, "README.md"), "w") as f:
            f.write("See [traps](docs/traps.md).\n")
        with open(os.path.join(root, "docs/traps.md"), "w") as f:
            f.write("\n".join([
                "Good: `trap_dispatch()` in [trap.c](../src/trap/trap.c) with `struct trap_frame`,",
                "`SSTATUS_SUM`, `src/trap/trap.c`, a word `ls`, Linux's `mm_cpumask`, [web](https://x).",
                "Bad: `trap_dispatch_gone()`, [gone](../src/trap/gone.c), `src/trap/gone.S`,",
                "and `SSTATUS_GONE`.",
                "```",
                "`in_a_fence_not_checked`",
                "```",
            ]) + "\n")
        r = subprocess.run([sys.executable, os.path.join(HERE, "check-docs.py"), "--root", root],
                           capture_output=True, text=True)
        got = sorted(line.split(": ", 1)[1] for line in r.stdout.splitlines()
                     if line.startswith("docs/"))
        want = sorted([
            "link to ../src/trap/gone.c: no such file",
            "`SSTATUS_GONE`: not in the source",
            "`src/trap/gone.S`: no such file",
            "`trap_dispatch_gone()`: not in the source",
        ])
        # "docs/traps.md:3: ..." minus the file and line: the problems themselves
        if r.returncode != 1 or got != want:
            print("check-docs.py on the sample tree: exit %d\n%s" % (r.returncode, r.stdout))
            print("wanted:", want)
            return 1
    print("test-check-docs: ok (4 broken references found, good ones passed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
