# Words, blanks and comments.
echo hello   world	tab
echo one; echo two ;echo three
echo not#a comment # but this is
# a whole-line comment
   # an indented one

echo after blank lines
/bin/echo an external echo
