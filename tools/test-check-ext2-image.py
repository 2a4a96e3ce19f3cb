#!/usr/bin/env python3
"""test-check-ext2-image.py: check check-ext2-image.py itself on the host.

An image made by mk-ext2-image.py --written must pass; then each of these
damages must make it fail, naming what is wrong: one byte of a file's data
flipped, a block in use marked free (e2fsck's business), a file of the set
removed, a deleted file back.  Exit 0 if the checker behaved every time.
"""
import os
import subprocess
import sys
import tempfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import fsgen  # noqa: E402


def run(*argv):
    return subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def check(image):
    return run(sys.executable, os.path.join(TOOLS, "check-ext2-image.py"), image)


def debugfs(image, command, write=False):
    return run(fsgen.find_tool("debugfs"), *(["-w"] if write else []), "-R", command, image).stdout


def physical_block(image, path, logical):
    out = debugfs(image, "bmap %s %d" % (path, logical)).split()
    return int(out[-1])


def flip_byte(image, at):
    with open(image, "r+b") as f:
        f.seek(at)
        b = f.read(1)
        f.seek(at)
        f.write(bytes([b[0] ^ 0x40]))


def expect(image, what, words):
    r = check(image)
    ok = r.returncode == 1 and all(w in r.stdout for w in words)
    print("%s: %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        print("  check-ext2-image.py exited %d:\n%s" % (r.returncode, r.stdout))
    return ok


def main():
    good = True
    with tempfile.TemporaryDirectory() as tmp:
        clean = os.path.join(tmp, "clean.img")
        subprocess.run([sys.executable, os.path.join(TOOLS, "mk-ext2-image.py"), clean,
                        "--written", "--size-mib", "32"], check=True)
        r = check(clean)
        print("%s: a clean image passes" % ("ok  " if r.returncode == 0 else "FAIL"))
        if r.returncode != 0:
            print(r.stdout)
            good = False
        img = os.path.join(tmp, "damaged.img")

        def fresh():
            subprocess.run(["cp", clean, img], check=True)

        fresh()  # byte 100*1024 + 7 of w/dind: a double-indirect block with 1 KiB blocks
        flip_byte(img, physical_block(img, "/w/dind", 300) * 1024 + 7)
        good &= expect(img, "a flipped byte in /w/dind", ["/w/dind: byte 307207 is"])
        fresh()
        debugfs(img, "freeb %d" % physical_block(img, "/w/ind", 0), write=True)
        good &= expect(img, "a used block marked free", ["e2fsck -fn: exit status"])
        fresh()
        debugfs(img, "rm /w/one", write=True)
        good &= expect(img, "/w/one removed", ["/w/one: missing"])
        fresh()
        small = os.path.join(tmp, "small")
        with open(small, "wb") as f:
            f.write(fsgen.gen(42, 0, 100))
        debugfs(img, "write %s /w/gone" % small, write=True)
        good &= expect(img, "/w/gone back", ["/w/gone: should not exist"])
        fresh()  # state 0: not cleanly unmounted (EXT2_VALID_FS clear)
        debugfs(img, "ssv state 0", write=True)
        good &= expect(img, "left mounted read-write", ["superblock state 'not clean'"])
    print("check-ext2-image.py: %s" % ("behaves" if good else "MISBEHAVES"))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
