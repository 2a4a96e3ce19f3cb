# sh FILE ARGS, sh -c CMD NAME ARGS, $0 $# $1 $@ $*.
printf 'echo $0 has $# args: $1, $2\necho "$@"\necho $*\nexit 9\n' > s.sh
$SH s.sh a "b c"; echo $?
$SH -c 'echo $0 $1 $#' myname x y
$SH -c 'echo $0 $#'
$SH missing.sh; echo $?
$SH -c; echo $?
$SH -x; echo $?
printf 'echo no newline at the end' > nl.sh
$SH nl.sh
printf 'echo "unterminated\n' > bad.sh
$SH bad.sh; echo $?
printf 'echo before\necho ; ;\necho after\n' > bad2.sh
$SH bad2.sh; echo $?
