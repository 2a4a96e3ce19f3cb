# ; && || and ! .
true && echo and1
false && echo not-printed
false || echo or1
true || echo not-printed
false && echo no || echo yes
true && false || echo recovered
true || false && echo left-to-right
! false && echo negated
! true; echo $?
false; echo $?
true &&
  echo continued and
false ||
echo continued or
