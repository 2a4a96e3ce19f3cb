# PATH lookup, not found (127), not executable (126), scripts without #!.
mkdir bin
printf 'echo tool ran with $1\n' > bin/tool
chmod +x bin/tool
printf 'echo x\n' > bin/noexec
PATH=$PWD/bin:/usr/bin:/bin
tool one
./bin/tool two
bin/tool three
noexec
echo $?
./bin/noexec
echo $?
nosuchcommand
echo $?
./nosuchfile
echo $?
unset PATH
ls -d /
echo $?
