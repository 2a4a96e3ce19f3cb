#!/usr/bin/env python3
"""pty-test.py SHELL: the shell on a real terminal (a pseudo-terminal).

What needs a terminal: the prompt, ^C reaching the foreground job and not
the shell (process groups, tcsetpgrp), ^C at the prompt dropping the line,
a background job left alone by ^C, and ^D ending the shell.
Prints "ok"/"FAIL" lines; exits non-zero if anything failed.
SH_EMULATOR=qemu-riscv64 runs a riscv64 build of the shell.
"""
import os, pty, re, select, sys, time

shell = sys.argv[1]
argv = [shell]
if os.environ.get("SH_EMULATOR"):
    argv = [os.environ["SH_EMULATOR"], shell]

def start_shell():
    """The shell on a new terminal; its pid and the terminal's fd."""
    pid, fd = pty.fork()
    if pid == 0:
        env = {"PATH": "/usr/bin:/bin"}
        os.execve(argv[0], argv, env)
    return pid, fd

pid, fd = start_shell()

out = b""
failures = 0

def read_until(pattern, timeout=5.0):
    """Read the terminal until pattern (a regex on bytes) appears."""
    global out
    end = time.time() + timeout
    while not re.search(pattern, out):
        left = end - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            out += data
    return True

def check(name, pattern, timeout=5.0):
    global out, failures
    if read_until(pattern, timeout):
        print("ok  ", name)
    else:
        failures += 1
        print("FAIL", name, "- terminal shows:", repr(out[-300:]))
    out = b""

def send(text):
    os.write(fd, text.encode())

check("first prompt", rb"\$ $")
send("echo hello\n")
check("a command runs", rb"hello\r\n\$ $")
send("sleep 20\n")
time.sleep(0.5)
send("\x03")
check("^C ends the foreground job, the shell prompts again", rb"\$ $", 3.0)
send("echo status $?\n")
check("and its status is 130", rb"status 130")
send("sleep 1 & sleep 20\n")
time.sleep(0.3)
send("\x03")
check("^C in a line with a background job", rb"\$ $", 3.0)
time.sleep(1.2)
send("echo next\n")
check("the background job was not interrupted", rb"next\r\n\[\d+\] Done\r\n\$ $")
send("echo half a line")
time.sleep(0.2)
send("\x03")
send("echo fresh\n")
check("^C at the prompt drops the line", rb"fresh\r\n\$ $")
send("cat | tr a-z A-Z\n")
time.sleep(0.3)
send("piped\n")
check("a pipeline reads the terminal", rb"PIPED")
send("\x03")
check("^C ends the whole pipeline", rb"\$ $")
send("exit 7\n")
_, status = os.waitpid(pid, 0)
if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 7:
    print("ok   exit 7")
else:
    failures += 1
    print("FAIL exit 7: status", status)

# ^D on an empty line ends a second shell.
pid, fd = start_shell()
check("second shell prompts", rb"\$ $")
send("\x04")
_, status = os.waitpid(pid, 0)
if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
    print("ok   ^D ends the shell")
else:
    failures += 1
    print("FAIL ^D: status", status)

print("pty test:", "failed" if failures else "passed")
sys.exit(1 if failures else 0)
