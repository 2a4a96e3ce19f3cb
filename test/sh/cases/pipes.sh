# Pipelines of any length; the status is the last command's.
echo abc | cat
echo abc | cat | cat | cat | cat | cat | cat | tr a-z A-Z
seq 1 1000 | grep 7 | wc -l
false | true; echo $?
true | false; echo $?
echo piped builtin | grep piped
echo x | nosuch | cat; echo $?
seq 1 100000 | head -1
echo to-file | cat > out.txt; cat out.txt
