# files: making, reading, listing, moving and removing files, directories
# and links, permissions, special files, finding and comparing.
#
# Each case starts in an empty directory of its own. `ls -l` shows times,
# which differ from run to run: cases mask them or use `ls` without -l.

### mkdir-ls
mkdir one two three
ls
ls -1
### mkdir-p
mkdir -p a/b/c/d
ls -R a
mkdir a 2>&1
mkdir -p a && echo "-p on an existing one: fine"
### mkdir-mode
mkdir -m 700 private
mkdir -m 755 public
ls -ld private public | cut -c1-10
### ls-a
: > visible; : > .hidden
ls
ls -a
ls -A
### write-read
echo "some text" > f
cat f
printf 'no newline' > g
cat g; echo
wc -c f g
### append
echo one > f; echo two >> f; echo three >> f
cat f
wc -l < f
### cp
echo data > src
cp src dst
cat dst
cp src dst2 && cmp src dst2 && echo same
### cp-r
mkdir -p tree/sub; echo x > tree/sub/f; echo y > tree/g
cp -r tree copy
find copy | sort
cat copy/sub/f copy/g
### cp-p-mode
echo x > f; chmod 640 f
cp -p f g
ls -l g | cut -c1-10
### mv
echo data > a
mv a b
ls
cat b
mkdir d; mv b d/
ls d
### mv-over
echo old > target; echo new > source
mv source target
cat target; ls
### mv-dir-rename
mkdir -p x/y; echo f > x/y/z
mv x w
find w | sort
### rm
: > a; : > b; : > c
rm a
ls
rm -f nonexistent && echo "rm -f: fine"
rm nonexistent 2>&1
# status: 1
### rm-r
mkdir -p d/e/f; : > d/1; : > d/e/2; : > d/e/f/3
rm -r d
ls -a
### rmdir
mkdir -p a/b
rmdir a 2>&1
rmdir a/b a && echo removed
rmdir nonexistent 2>&1
# status: 1
### symlink
echo target-data > target
ln -s target link
cat link
readlink link
ls -l link | sed 's/.* link/link/'
### symlink-dangling
ln -s nowhere dangling
cat dangling 2>&1
[ -L dangling ] && echo "is a link"
[ -e dangling ] || echo "target missing"
### symlink-dir
mkdir real; : > real/inside
ln -s real alias
ls alias
cd alias && pwd -P | sed 's|.*/||' && pwd | sed 's|.*/||'
### symlink-loop
ln -s loop1 loop2; ln -s loop2 loop1
cat loop1 2>&1
# status: 1
### readlink-f
mkdir -p a/b; ln -s a/b c; : > a/b/f
readlink -f c/f | sed 's|^/tmp/case\.[0-9]*|D|'
realpath a/../c/f | sed 's|^/tmp/case\.[0-9]*|D|'
### hardlink
echo shared > a
ln a b
echo more >> b
cat a
stat -c '%h %s' a b
rm a; cat b
### chmod
: > f
chmod 600 f; stat -c '%a %A' f
chmod u+x,g+r f; stat -c '%a %A' f
chmod -R 755 f; stat -c '%a' f
chmod 4755 f; stat -c '%a %A' f
### chmod-dir
mkdir d; chmod 711 d; stat -c '%a %F' d
### stat
printf 12345 > f
mkdir d
ln -s f l
stat -c '%n %s %F %a' f d l
stat -L -c '%n %F' l
### stat-missing
# status: 1
stat nonexistent
### test-files
: > file; mkdir dir; ln -s file link; printf x > nonempty; chmod 755 nonempty
for t in -e -f -d -L -h -s -r -w -x; do
	printf '%s:' "$t"
	for f in file dir link nonempty missing; do test $t $f && printf ' %s' $f; done
	echo
done
### test-compare-files
touch a; sleep 0.05; touch b
[ a -ef a ] && echo same
ln a c
[ a -ef c ] && echo "hard link is the same file"
[ a -ef b ] || echo different
### ls-l
mkdir d; printf 'abc' > f; ln -s f l; chmod 644 f; chmod 755 d
ls -l | sed 's/  */ /g' | cut -d' ' -f1,2,3,4,5,9-
### ls-sort
: > b; : > a; : > C; : > 1; : > _x
ls
ls -r
### ls-size-sort
printf 1 > small; printf 12345 > big; printf 123 > mid
ls -S
### ls-F
mkdir d; : > f; ln -s f l; : > x; chmod +x x
ls -F
### ls-d
mkdir d; : > d/inside
ls -d d
ls d
### ls-missing
# status: 1
ls nonexistent
### find-name
mkdir -p a/b c; : > a/x.c; : > a/b/y.c; : > c/z.h; : > top.c
find . -name '*.c' | sort
find . -name '*.h'
### find-type
mkdir -p d/e; : > d/f; ln -s f d/l
find d -type f
find d -type d | sort
find d -type l
### find-maxdepth
mkdir -p 1/2/3/4
find . -maxdepth 2 | sort
find . -mindepth 3 | sort
### find-size
printf '%0500d' 0 > big; printf 1 > small; : > empty
find . -type f -size +100c | sort
find . -type f -size -2 | sort
find . -type f -empty
### find-exec
mkdir d; echo one > d/a; echo two > d/b
find d -type f -exec cat {} \; | sort
find d -type f -exec echo found {} + | wc -w
### find-newer
touch -d '2000-01-01 00:00' old
touch new
find . -newer old -type f
### find-prune-not
mkdir -p keep skip; : > keep/k; : > skip/s
find . -path ./skip -prune -o -type f -print
find . -type f ! -name k
### xargs
printf 'a\nb\nc\n' | xargs echo
printf 'a b c d e\n' | xargs -n 2 echo
printf 'x\0y z\0' | xargs -0 -n1 echo
### xargs-files
: > 1; : > 2; : > 3
ls | xargs rm
ls | wc -l
### basename-dirname
basename /usr/lib/libc.so.6
basename /usr/lib/libc.so.6 .6
dirname /usr/lib/libc.so.6
dirname file
basename /
dirname /
### touch-date
touch -d '2001-02-03 04:05:06' f
date -u -r f '+%Y-%m-%d %H:%M:%S' 2>/dev/null || ls -l --full-time f
stat -c '%Y' f
### touch-reference
touch -d '1999-12-31 23:59:59' a
touch -r a b
[ "$(stat -c %Y a)" = "$(stat -c %Y b)" ] && echo "same time"
### truncate
echo "hello world" > f
truncate -s 5 f; cat f; echo
truncate -s 10 f; wc -c < f
od -c f | head -2
### dd
dd if=/dev/zero of=f bs=512 count=4 2>/dev/null
wc -c < f
dd if=f of=g bs=100 skip=1 count=2 2>/dev/null
wc -c < g
### dd-seek-sparse
printf X | dd of=f bs=1 seek=100000 2>/dev/null
wc -c < f
od -A d -c f | tail -3
### dd-conv
echo hello | dd conv=ucase 2>/dev/null
printf 'abcdef' | dd bs=2 count=2 2>/dev/null; echo
### dev-null-zero
echo gone > /dev/null && echo "wrote /dev/null"
cat /dev/null | wc -c
head -c 16 /dev/zero | od -A n -t x1
### dev-urandom
head -c 100 /dev/urandom | wc -c
dd if=/dev/urandom bs=64 count=1 2>/dev/null | wc -c
### dev-full
# status: 0
echo x > /dev/full 2>/dev/null || echo "write to /dev/full fails"
### cmp-diff
printf 'a\nb\nc\n' > x; printf 'a\nB\nc\n' > y
cmp x y; echo "cmp: $?"
cmp x x && echo "cmp same"
diff x y | grep -v '^[-+][-+][-+]'; echo "diff: $?"
### diff-u
printf '1\n2\n3\n4\n' > old; printf '1\n2\nthree\n4\n5\n' > new
diff -u old new | tail -n +3
### checksum
printf 'The quick brown fox\n' > f
md5sum f
sha1sum f
sha256sum f
sha512sum f | cut -c1-32
### checksum-check
printf abc > a; printf def > b
md5sum a b > sums
md5sum -c sums
echo changed > b
md5sum -c sums 2>&1; echo "status $?"
### tee
echo "to both" | tee out1 out2
cat out1 out2
echo more | tee -a out1 > /dev/null
cat out1
### mktemp
f=$(mktemp -p . tmp.XXXXXX)
[ -f "$f" ] && echo "made a file"
d=$(mktemp -d -p . dir.XXXXXX)
[ -d "$d" ] && echo "made a directory"
stat -c '%a' "$f" "$d"
### mkfifo
mkfifo fifo
stat -c '%F' fifo
(echo through the fifo > fifo) &
cat fifo
wait
### mknod
mknod null2 c 1 3
stat -c '%F %t %T' null2
echo x > null2 && cat null2 | wc -c
### du
mkdir -p d/e
printf '%01024d' 0 > d/a
printf '%04096d' 0 > d/e/b
du -s d
du -a d | sort -k2
find d -type f | xargs cat | wc -c
### install
echo '#!/bin/sh' > script
install -m 755 script bin/tool 2>/dev/null || { mkdir bin; install -m 755 script bin/tool; }
install -d -m 700 secret
stat -c '%a %n' bin/tool secret
### rename-over-dir
mkdir a b; : > b/x
mv a b 2>&1
ls b | sort
### rename-file-onto-dir
: > f; mkdir d
mv f d; ls d
### permissions-root
: > f; chmod 000 f
cat f > /dev/null && echo "root reads mode 000"
echo x >> f && echo "root writes mode 000"
./f 2>&1; echo "exec status $?"
### exec-script
printf '#!/bin/sh\necho "script ran with $1"\n' > s
chmod +x s
./s arg
printf 'echo "no shebang line"\n' > t; chmod +x t
./t
### exec-not-executable
printf 'echo hi\n' > s
./s 2>&1 | sed 's/^.*: //'
### long-name
n=$(printf '%0200d' 0)
: > $n && ls | wc -c
n=$(printf '%0300d' 0)
(: > $n) 2>&1 | sed 's/^.*: //'
### deep-path
p=.
for i in $(seq 1 40); do p=$p/d$i; done
mkdir -p $p && echo made
cd $p && pwd | tr '/' '\n' | wc -l
### many-files
for i in $(seq 1 100); do echo $i > f$i; done
ls | wc -l
cat f50 f100
rm f*
ls | wc -l
### large-file
dd if=/dev/zero bs=65536 count=16 2>/dev/null | tr '\0' 'x' > big
wc -c < big
md5sum < big
### sync-fsync
echo data > f
sync && echo synced
### chown-root
: > f
chown 0:0 f && stat -c '%u:%g' f
chown nobody f && stat -c '%U' f
### ln-sf
echo 1 > one; echo 2 > two
ln -s one l
ln -sf two l
cat l
### cat-n-dash
printf 'a\nb\n' > f
cat -n f
echo stdin | cat f - f
### head-tail-files
seq 1 10 > f
head -n 3 f
tail -n 2 f
head -c 5 f | od -c | head -1
tail -c 4 f
tail -n +9 f
### wc-files
printf 'one two\nthree\n' > a; printf 'x\n' > b
wc a b
### file-holes-read
dd if=/dev/zero of=f bs=1 count=0 seek=8192 2>/dev/null
od -A d -t x1 f
### dir-listing-order
for n in zeta alpha Mid 09 10 _u; do : > $n; done
ls
ls | sort -f
### cd-dotdot
mkdir -p a/b
cd a/b; cd ../..; ls
cd a/b/../b && basename "$PWD"
### pwd-after-rm
mkdir d; cd d; rmdir ../d
pwd >/dev/null 2>&1 && echo "pwd ok"
ls 2>&1; echo "ls: $?"
### proc-self-fd
ls /proc/self/fd | sort -n | head -3
readlink /proc/self/fd/0
### devfiles
ls -l /dev/null /dev/zero /dev/console | cut -c1 | tr -d '\n'; echo
stat -c '%t,%T %n' /dev/null /dev/zero
### tty-vi
# busybox vi at the serial console (the runner makes it the case's
# terminal, the driver types): open a file, insert a line, change a word
# with cw, delete a line with dd, :wq; the file is checked afterwards.
# timeout: 30
# tty: expect ~
# tty: send Oinserted\x1b
# tty: sleep 0.5
# tty: send jcwSECOND\x1b
# tty: sleep 0.5
# tty: send jdd
# tty: sleep 0.5
# tty: send :wq\r
printf 'first line\nsecond line\nthird line\n' > f
vi f <&0 >&0 2>&0
echo "vi: $?"
cat f
