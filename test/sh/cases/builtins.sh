# cd pwd exit export unset echo true false :
mkdir -p d/e
cd d
pwd | sed 's|.*/||'
cd e && pwd | sed 's|.*/run/||'
cd ..; cd -  | sed 's|.*/run/||'
cd /nonexistent; echo $?
cd; pwd | sed 's|.*/||'
cd a b; echo $?
echo -n no newline; echo
: && true && echo colon true
false; echo $?
export | grep -c CASES
export 1bad; echo $?
unset 1bad; echo $?
$SH -c 'exit 7'; echo $?
$SH -c 'exit'; echo $?
$SH -c 'false; exit'; echo $?
$SH -c 'exit 300'; echo $?
$SH -c 'exit abc'; echo $?
$SH -c 'exit 4; echo not here'; echo $?
$SH -c 'echo a && exit 5 || echo no'; echo $?
