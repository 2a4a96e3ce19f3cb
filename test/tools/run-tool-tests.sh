#!/bin/bash
# run-tool-tests.sh QEMU BINDIR - check Sluice's /bin tools (userland/bin)
# on Linux, through QEMU's user-mode emulator: QEMU runs the riscv64 binary
# on this host's kernel, so the file tools work on a real file system.
# Each check prints "ok <name>" or "FAIL <name>" with what differed; the
# exit status is the number of failures (0: all passed).
#
# Not checked here (they need Sluice's own /proc or would act on the
# host): poweroff, reboot, mount with arguments, the trap tables of
# trapstat (Linux has no /proc/traps).  See docs/tools.md.
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

# true, false, echo
run true; expect true 0 ""
run false; expect false 1 ""
run echo hello "big  world"; expect echo 0 "hello big  world"
run echo -n a b; expect echo-n 0 "a b"
[ "$("$QEMU" "$BIN/echo" -n x | od -An -c | tr -d ' ')" = x ] && pass echo-n-no-newline ||
	fail echo-n-no-newline "printed a newline"
run echo; expect echo-empty 0 ""

# cat
printf 'one\ntwo\n' >a
run cat a a; expect cat 0 $'one\ntwo\none\ntwo'
run cat - <a; expect cat-stdin 0 $'one\ntwo'
run cat a nope; expect cat-missing 1 $'one\ntwo' "cat: nope: $ENOENT"

# mkdir, rmdir
run mkdir -p p/q/r; expect mkdir-p 0 ""
[ -d p/q/r ] && pass mkdir-p-made || fail mkdir-p-made "p/q/r is not a directory"
run mkdir -p p/q; expect mkdir-p-exists 0 ""
run mkdir p; expect mkdir-exists 1 "" "mkdir: p: File exists"
run mkdir a/x; expect mkdir-notdir 1 "" "mkdir: a/x: Not a directory"
run mkdir; expect mkdir-usage 1 "" "usage: mkdir [-p] dir..."
run rmdir p; expect rmdir-notempty 1 "" "rmdir: p: Directory not empty"
run rmdir p/q/r p/q; expect rmdir 0 ""
[ ! -e p/q ] && pass rmdir-gone || fail rmdir-gone "p/q is still there"

# ls
mkdir -p d/sub && printf 'hello' >d/f && touch d/.hidden && ln -s f d/link && chmod 644 d/f
run ls d; expect ls 0 $'f\nlink\nsub'
run ls -a d; expect ls-a 0 $'.\n..\n.hidden\nf\nlink\nsub'
run ls d/f; expect ls-file 0 "d/f"
run ls -d d; expect ls-d 0 "d"
run ls d/f d/sub; expect ls-file-and-dir 0 $'d/f\n\nd/sub:'
run ls nope; expect ls-missing 1 "" "ls: nope: $ENOENT"
run ls -l d/f
when='[A-Z][a-z]{2} [ 1-3][0-9] ([0-9]{2}:[0-9]{2}| [0-9]{4})'
expect_match ls-l-file 0 "^-rw-r--r-- 1 [0-9]+ [0-9]+ 5 $when d/f$"
run ls -l d
expect_match ls-l-dir 0 "^total [0-9]+
-rw-r--r-- 1 [0-9]+ [0-9]+ +5 $when f
lrwxrwxrwx 1 [0-9]+ [0-9]+ +1 $when link -> f
drwx[-rwxs]{6} [0-9]+ [0-9]+ [0-9]+ +[0-9]+ $when sub$"
run ls -x; expect ls-usage 1 "" "usage: ls [-lad1] [path...]"

# cp
run cp d/f c1; expect cp 0 ""
[ "$(cat c1)" = hello ] && pass cp-content || fail cp-content "c1: $(cat c1)"
run cp d/f a d/sub; expect cp-into-dir 0 ""
[ "$(cat d/sub/f)" = hello ] && [ "$(cat d/sub/a)" = "$(cat a)" ] && pass cp-into-dir-content ||
	fail cp-into-dir-content "d/sub/f or d/sub/a differ"
run cp d c2; expect cp-dir-no-r 1 "" "cp: d: is a directory (not copied without -r)"
run cp -r d c3; expect cp-r 0 ""
[ "$(cd c3 && find . | sort | tr '\n' ' ')" = ". ./.hidden ./f ./link ./sub ./sub/a ./sub/f " ] &&
	[ -L c3/link ] && [ "$(cat c3/sub/f)" = hello ] && pass cp-r-tree ||
	fail cp-r-tree "$(cd c3 && find . | sort | tr '\n' ' ')"
run cp nope x; expect cp-missing 1 "" "cp: nope: $ENOENT"
run cp a a; expect cp-same 1 "" "cp: a and a are the same file"

# mv
run mv c1 m1; expect mv 0 ""
[ ! -e c1 ] && [ "$(cat m1)" = hello ] && pass mv-moved || fail mv-moved "c1 or m1 wrong"
run mv m1 c3 d/sub; expect mv-into-dir 0 ""
[ -f d/sub/m1 ] && [ -d d/sub/c3 ] && pass mv-into-dir-moved || fail mv-into-dir-moved "not in d/sub"
run mv nope x; expect mv-missing 1 "" "mv: nope: $ENOENT"
run mv a b c; expect mv-notdir 1 "" "mv: c: not a directory"

# rm
run rm d/sub; expect rm-dir-no-r 1 "" "rm: d/sub: Is a directory"
run rm -r d/sub; expect rm-r 0 ""
[ ! -e d/sub ] && pass rm-r-gone || fail rm-r-gone "d/sub is still there"
run rm nope; expect rm-missing 1 "" "rm: nope: $ENOENT"
run rm -f nope; expect rm-f-missing 0 "" ""
run rm -rf .; expect rm-dot 1 "" "rm: .: refusing to remove . or .."
touch r1 r2 && run rm r1 r2; expect rm-files 0 ""
[ ! -e r1 ] && [ ! -e r2 ] && pass rm-files-gone || fail rm-files-gone "r1 or r2 remain"

# ln
run ln a hard; expect ln 0 ""
[ a -ef hard ] && pass ln-same-inode || fail ln-same-inode "a and hard differ"
run ln -s a soft; expect ln-s 0 ""
[ "$(readlink soft)" = a ] && pass ln-s-target || fail ln-s-target "soft -> $(readlink soft)"
run ln a hard; expect ln-exists 1 "" "ln: hard: File exists"
run ln -sf d hard; expect ln-sf 0 ""
[ "$(readlink hard)" = d ] && pass ln-sf-replaced || fail ln-sf-replaced "hard -> $(readlink hard)"

# wc
printf 'one two\nthree\n\n  four  five six\nlast' >w
run wc w; expect wc 0 "      4       7      36 w"
run wc -l w; expect wc-l 0 "      4 w"
run wc -w <w; expect wc-w-stdin 0 "      7"
run wc -c w a; expect wc-c-total 0 $'     36 w\n      8 a\n     44 total'
run wc nope; expect wc-missing 1 "" "wc: nope: $ENOENT"

# head
seq 1 20 >n
run head n; expect head 0 "$(seq 1 10)"
run head -n 3 n; expect head-n 0 $'1\n2\n3'
run head -2 n; expect head-old-form 0 $'1\n2'
run head -n 1 n a; expect head-files 0 $'==> n <==\n1\n\n==> a <==\none'
run head -n 2 <n; expect head-stdin 0 $'1\n2'
run head -n 100 w; expect head-short 0 "$(cat w)"
run head nope; expect head-missing 1 "" "head: nope: $ENOENT"
run head -n x n; expect head-usage 1 "" "usage: head [-n N] [file...]"

# grep
printf 'apple pie\nBanana split\ncherry\n\nabc123\na.c\nxyz\n' >g
run grep apple g; expect grep 0 "apple pie"
run grep zzz g; expect grep-nomatch 1 ""
run grep -v a g; expect grep-v 0 $'cherry\n\nxyz'
run grep -c a g; expect grep-c 0 "4"
run grep -n an g; expect grep-n 0 "2:Banana split"
run grep -i BANANA g; expect grep-i 0 "Banana split"
run grep '^a' g; expect grep-anchor 0 $'apple pie\nabc123\na.c'
run grep 'y$' g; expect grep-end 0 $'cherry'
run grep -c '^$' g; expect grep-empty-line 0 "1"
run grep 'a.c' g; expect grep-dot 0 $'abc123\na.c'
run grep 'a\.c' g; expect grep-escape 0 "a.c"
run grep -F 'a.c' g; expect grep-F 0 "a.c"
run grep '[0-9][0-9]*$' g; expect grep-class 0 "abc123"
run grep '^[^a-c]' g; expect grep-negated 0 $'Banana split\nxyz'
run grep 'p*l' g; expect grep-star 0 $'apple pie\nBanana split'
run grep -l apple g a; expect grep-l 0 "g"
run grep e g a; expect grep-files 0 $'g:apple pie\ng:cherry\na:one'
run grep -q cherry g; expect grep-q 0 ""
run grep apple nope; expect grep-missing 2 "" "grep: nope: $ENOENT"
run grep '[ab' g; expect grep-bad-pattern 2 "" "grep: [ab: bad pattern"
run grep; expect grep-usage 2 "" "usage: grep [-vcnilqF] pattern [file...]"

# hexdump
printf 'Hello, world!\n\001\002' >h
run hexdump -C h
expect hexdump 0 "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 02  |Hello, world!...|
00000010"
head -c 40 /dev/zero >z && printf 'xyz' >>z
run hexdump z
expect hexdump-squeeze 0 "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000020  00 00 00 00 00 00 00 00  78 79 7a                 |........xyz|
0000002b"
run hexdump </dev/null; expect hexdump-empty 0 ""
run hexdump nope; expect hexdump-missing 1 "" "hexdump: nope: $ENOENT"

# sleep
start=$(date +%s%N)
run sleep 0.2
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$st" = 0 ] && [ "$elapsed" -ge 200 ] && pass sleep || fail sleep "status $st after ${elapsed} ms"
run sleep x; expect sleep-usage 1 "" "usage: sleep SECONDS"

# uname (QEMU answers for the emulated machine: Linux, riscv64)
run uname; expect uname 0 "$(uname -s)"
run uname -m; expect uname-m 0 riscv64
run uname -sr; expect uname-sr 0 "$(uname -s) $(uname -r)"
run uname -a
expect_match uname-a 0 "^$(uname -s) [^ ]+ $(uname -r) .* riscv64$"
run uname -x; expect uname-usage 1 "" "usage: uname [-asnrvm]"

# date
run date
expect_match date-format 0 '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] UTC [0-9]{4}$'
run date +%Y-%m-%d; expect date-plus 0 "$(date -u +%Y-%m-%d)"

# kill
sleep 30 &
victim=$!
run kill -l
expect_match kill-l 0 $' 9\\) SIGKILL\n10\\) SIGUSR1'
run kill -0 $victim; expect kill-0 0 ""
run kill -USR1 $victim; expect kill-name 0 ""
{ wait $victim; } 2>/dev/null; [ $? = 138 ] && pass kill-usr1-delivered || fail kill-usr1-delivered "status not 128+10"
sleep 30 &
victim=$!
run kill $victim; expect kill-term 0 ""
{ wait $victim; } 2>/dev/null; [ $? = 143 ] && pass kill-term-delivered || fail kill-term-delivered "status not 128+15"
run kill -NOSUCH 1; expect kill-bad-signal 1 "" "kill: -NOSUCH: unknown signal (kill -l lists them)"
run kill 2147483; expect kill-no-process 1 "" "kill: 2147483: No such process"

# ps, free, df, mount (Linux's /proc has the fields these read)
sleep 30 &
victim=$!
run ps
expect_match ps 0 "^  PID  PPID STAT NAME
.*
 *$victim +$$ S +sleep
"
kill $victim
run free
total=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
expect_match free 0 "^KiB +total +used +free
Mem: +$total +[0-9]+ +[0-9]+$"
run df
expect_match df 0 "^Filesystem +1K-blocks +Used +Available +Use% +Mounted on
(.*
)?[^ ]+ +[0-9]+ +[0-9]+ +[0-9]+ +([0-9]+%|-) /(
|$)"
run mount; expect mount-list 0 "$(cat /proc/mounts)"
run mount a; expect mount-usage 1 ""
run umount /nonexistent-sluice; expect umount-missing 1 "" "umount: /nonexistent-sluice: $ENOENT"

# trapstat: the command's status comes back (Linux has no traps files)
run trapstat -- sh -c 'exit 3'; expect trapstat-status 3 ""
run trapstat false; expect trapstat-false 1 ""
run trapstat sh -c 'kill -9 $$'; expect trapstat-killed 137 ""
run trapstat -x; expect trapstat-usage 1 "" "usage: trapstat [-i | pid | [--] cmd args...]"

# sync
run sync; expect sync 0 ""

echo "tools: $failures failed"
exit $((failures > 0))
