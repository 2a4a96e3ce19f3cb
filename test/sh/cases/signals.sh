# A command killed by a signal: 128 + the signal; messages; SIGINT.
$SH -c 'kill -TERM $$'; echo $?
$SH -c 'kill -KILL $$'; echo $?
$SH -c 'kill -INT $$'; echo $?
# In the background without job control, a command ignores ^C (POSIX).
$SH -c 'kill -INT $$; echo survived SIGINT' &
wait
# An interactive shell ignores ^C itself but its children do not.
printf 'kill -INT $$; echo shell survived\n$SH -c "kill -INT \\$\\$"\necho child status $?\n' | $SH -i 2>&1
