# The driver's own test cases (selftest.py): fake-qemu.py acts out what
# each `# fake:` line says instead of running it.
### same
echo same
### typed
# fake: tty
# tty: expect fake\$
# tty: send hello\r
### differs
# fake: differs
### known-differs
# fake: differs
### now-passes
echo same
### panics
# fake: panic
### after-panic
echo same
### hangs
# timeout: 1
# fake: hang
### after-hang
echo same
### stops
# fake: stop
### broken
# fake: broken
### last
echo same
