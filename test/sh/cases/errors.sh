# Syntax errors: a message and status 2, and a script ends.
$SH -c 'echo a |'; echo $?
$SH -c '| echo a'; echo $?
$SH -c 'echo a && && echo b'; echo $?
$SH -c 'echo a ;;'; echo $?
$SH -c 'echo >'; echo $?
$SH -c 'echo a > ;'; echo $?
$SH -c '(echo a)'; echo $?
$SH -c 'echo "abc'; echo $?
$SH -c "echo 'abc"; echo $?
$SH -c 'echo abc\'; echo $?
$SH -c '&'; echo $?
$SH -c 'echo ${'; echo $?
$SH -c 'echo ${1x}'; echo $?
$SH -c 'echo a; echo b |'; echo $?
