# sh -i: prompts, job notices, errors that do not end the shell.
printf 'echo hi\necho ; ;\necho still here $?\ntrue & sleep 0.5\necho "open\nquote"\nfalse & sleep 0.5\nnosuch\n' | $SH -i
echo exit status $?
printf 'exit 6\necho not here\n' | $SH -i; echo $?
printf 'true\n' | $SH -i; echo $?
