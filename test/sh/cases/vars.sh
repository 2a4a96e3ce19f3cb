# Shell variables, ${NAME}, $?, export, unset, field splitting.
X=1
echo $X ${X}2 $X2 "[$X2]"
X=two Y=three
echo $X $Y
A="a   b  c"
$SH -c 'echo $#' n $A
$SH -c 'echo $#' n "$A"
echo $A
echo "$A"
false; echo $?
true; echo $?
$SH -c 'echo child sees [$X]'
export X
$SH -c 'echo child sees [$X]'
export Z=zed
$SH -c 'echo child sees [$Z]'
unset Z
$SH -c 'echo child sees [$Z]'
echo "[$Z]"
P=prefix $SH -c 'echo prefix: $P'
echo "after: [$P]"
echo ${bad-name}
echo still running
