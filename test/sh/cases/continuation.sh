# Commands that go on over several lines.
echo 'one
two'
echo "three
four"
echo five \
six
echo seven |
tr a-z A-Z
true &&

echo eight
