#!/bin/bash
# run-tool-tests.sh QEMU BINDIR - check Sluice's own /bin tools (userland/bin)
# on Linux, through QEMU's user-mode emulator: QEMU runs the riscv64 binary
# on this host's kernel.  (Busybox's applets, which replaced Sluice's other
# tools, are held to Linux by the conformance suite, docs/conformance.md.)
# Each check prints "ok <name>" or "FAIL <name>" with what differed; the
# exit status is the number of failures (0: all passed).
#
# Not checked here: the trap tables of trapstat (Linux has no /proc/traps;
# the QEMU case shell-session reads them on Sluice).  See docs/tools.md.
set -u
QEMU=${1:?usage: run-tool-tests.sh QEMU BINDIR}
BIN=$(cd "${2:?usage: run-tool-tests.sh QEMU BINDIR}" && pwd) || exit 1
T=$(mktemp -d /tmp/sluice-tools.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
failures=0

# run TOOL ARGS...: sets out, err, st.
run() {
	out=$("$QEMU" "$BIN/$1" "${@:2}" 2>"$T/.err")
	st=$?
	err=$(cat "$T/.err")
}
pass() { echo "ok   $1"; }
fail() {
	echo "FAIL $1"
	shift
	printf '     %s\n' "$@"
	failures=$((failures + 1))
}
# expect NAME STATUS STDOUT [STDERR]: the last run's results.
expect() {
	local name=$1 want_st=$2 want_out=$3
	if [ "$st" != "$want_st" ] || [ "$out" != "$want_out" ] ||
		{ [ $# -ge 4 ] && [ "$err" != "$4" ]; }; then
		fail "$name" "status $st (want $want_st)" "stdout: $(printf %q "$out")" \
			"want:   $(printf %q "$want_out")" "stderr: $(printf %q "$err")" \
			${4+"want:   $(printf %q "$4")"}
	else
		pass "$name"
	fi
}
# expect_match NAME STATUS REGEX: stdout matches the extended regex.
expect_match() {
	if [ "$st" = "$2" ] && [[ "$out" =~ $3 ]]; then
		pass "$1"
	else
		fail "$1" "status $st (want $2)" "stdout: $(printf %q "$out")" "want match: $3" \
			"stderr: $(printf %q "$err")"
	fi
}
ENOENT="No such file or directory"

# trapstat: the command's status comes back (Linux has no traps files)
run trapstat -- sh -c 'exit 3'; expect trapstat-status 3 ""
run trapstat false; expect trapstat-false 1 ""
run trapstat sh -c 'kill -9 $$'; expect trapstat-killed 137 ""
run trapstat -x; expect trapstat-usage 1 "" "usage: trapstat [-i | pid | [--] cmd args...]"


echo "tools: $failures failed"
exit $((failures > 0))
