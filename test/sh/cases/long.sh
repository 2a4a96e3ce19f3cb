# Long input: lists, && chains and argument lists as long as the input
# must not use the C stack or memory in proportion to their square.
yes 'true;' | head -100000 | tr -d '\n' > seq.sh; echo 'echo seq done' >> seq.sh
$SH seq.sh
yes 'true &&' | head -100000 | tr '\n' ' ' > and.sh; echo 'echo and done' >> and.sh
$SH and.sh
yes 'false ||' | head -100000 | tr '\n' ' ' > or.sh; echo 'echo or done' >> or.sh
$SH or.sh
printf 'echo ' > words.sh; yes 'w' | head -100000 | tr '\n' ' ' >> words.sh; echo >> words.sh
$SH words.sh | wc -c
printf "echo '" > quote.sh; seq 1 20000 >> quote.sh; echo "' | wc -l" >> quote.sh
$SH quote.sh
