#!/usr/bin/env bash
# run-tests.sh BOARD... : what `make test` does.  Builds the host unit tests
# (ASan + UBSan, fuzzing) and the kernel for every board, then runs ctest in
# each build directory: host tests, then each board's QEMU tests (boards that
# QEMU cannot emulate are only built).  Ends with one line "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc)
passed=0
failed=0
problems=()

configure() { # dir, cmake args...
	local dir=$1
	shift
	[ -f "$dir/CMakeCache.txt" ] && return 0
	cmake "$@" -B "$dir" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; return 1; }
}

# ctest DIR: run it, add its counts to the totals.
run_ctest() {
	local dir=$1 out
	out=$(ctest --test-dir "$dir" --output-on-failure -j"$jobs" 2>&1)
	echo "$out"
	local line
	line=$(echo "$out" | grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' | tail -1)
	if [ -z "$line" ]; then
		echo "$out" | grep -q 'No tests were found' && return 0
		problems+=("ctest in $dir did not finish")
		failed=$((failed + 1))
		return
	fi
	local nfail ntotal
	nfail=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
	ntotal=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/')
	passed=$((passed + ntotal - nfail))
	failed=$((failed + nfail))
	[ "$nfail" = 0 ] || problems+=("$nfail failed in $dir")
}

mkdir -p build
echo "== building host unit tests (build/host)"
if configure build/host -S test/host && cmake --build build/host -j"$jobs"; then
	run_ctest build/host
else
	problems+=("host tests did not build")
	failed=$((failed + 1))
fi

for board in "$@"; do
	echo "== building the kernel for $board (build/$board)"
	if configure "build/$board" -S . -DBOARD="$board" && cmake --build "build/$board" -j"$jobs"; then
		run_ctest "build/$board"
	else
		problems+=("the kernel did not build for $board")
		failed=$((failed + 1))
	fi
done

for p in "${problems[@]}"; do echo "problem: $p"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
