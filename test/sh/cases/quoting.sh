# Single and double quotes, backslashes, empty arguments.
A=value
echo 'single $A "double" \n'
echo "double $A 'single' \$A \"q\" \\ \n"
echo back\ slash \$A \' \" \\
echo "a"'b'c"$A"
echo pre"   "post
$SH -c 'echo $#' name '' "" a
$SH -c 'echo $#' name $EMPTY "$EMPTY"
echo "multi
line"
echo 'it''s' "it's" it\'s
echo "$"A $ "a$"
