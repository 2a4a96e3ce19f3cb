#!/bin/sh
# run-sh-tests.sh SHELL [CASE...]: run Sluice's shell, built for the host,
# over the scripts in test/sh/cases/ and compare what each prints with
# its .out file.
#
# Each case NAME.sh runs as "SHELL NAME.sh" in an empty scratch directory,
# stdout and stderr together, with SH set to the shell (so a case can run
# "$SH -c ..." or "$SH -i") and CASES to the cases directory.  "[exit N]"
# is added after the output, and every "[digits]" (a background job's
# pid) reads "[PID]".  Ends with "N passed, M failed"; exits non-zero if
# any failed.  UPDATE=1 rewrites the .out files instead (then read the diff).
# SH_EMULATOR=qemu-riscv64 runs a riscv64 build of the shell (the host's
# commands it starts still run natively).
set -u
shell=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
cases=$(cd "$(dirname "$0")/cases" && pwd)
[ $# -gt 0 ] || set -- "$cases"/*.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ -n "${SH_EMULATOR:-}" ]; then
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$SH_EMULATOR" "$shell" > "$scratch/sh"
	chmod +x "$scratch/sh"
	shell=$scratch/sh
fi
passed=0
failed=0
for case in "$@"; do
	name=$(basename "$case" .sh)
	rm -rf "$scratch/run" && mkdir "$scratch/run"
	(
		cd "$scratch/run" &&
		env -i PATH=/usr/bin:/bin HOME="$scratch/run" SH="$shell" CASES="$cases" \
			timeout 60 "$shell" "$cases/$name.sh" 2>&1
		echo "[exit $?]"
	) | sed -E 's/\[[0-9]+\]/[PID]/g' > "$scratch/$name.got"
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$scratch/$name.got" "$cases/$name.out"
	fi
	if diff -u "$cases/$name.out" "$scratch/$name.got" > "$scratch/$name.diff" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
		cat "$scratch/$name.diff"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
