# & and wait (non-interactive: no job notices).
sleep 0.2 && echo bg done &
echo fg first
wait
echo after wait
false &
wait $!
echo status of job: $?
exit 3 &
wait $!; echo $?
wait 99999999; echo $?
