# < > >> 2> N>&M N>&- and their order.
echo first > f
echo second >> f
cat < f
cat f > g; cat g
ls /nonexistent 2> err; echo $?
wc -l < err
ls /nonexistent > out 2>&1; wc -l < out
ls /nonexistent 2>&1 > out2 | wc -l
echo to stderr >&2
echo to fd3 3> three >&3; cat three
echo redirected builtin > b; echo back on stdout; cat b
> empty; wc -c < empty
cat < missing; echo status $?
echo x > no/such/dir; echo status $?
echo x >&7; echo status $?
echo closed >&-; echo status $?
echo word 1>out3; cat out3
X=f; cat < $X
cat < "$NOTSET"; echo status $?
