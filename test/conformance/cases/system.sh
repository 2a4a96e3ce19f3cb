# system: processes, signals, /proc, identity, mounts, time, limits, and
# the small system tools. Where a kernel's own figures show (pids, memory
# sizes, times, uname), the cases print only their shape, or the driver
# normalises them (docs/conformance.md).

### signal-exit-status
sh -c 'kill -TERM $$'; echo "TERM: $?"
sh -c 'kill -KILL $$'; echo "KILL: $?"
sh -c 'kill -SEGV $$'; echo "SEGV: $?"
sh -c 'kill -USR1 $$'; echo "USR1: $?"
sh -c 'kill -ABRT $$' 2>/dev/null; echo "ABRT: $?"
### kill-background
sleep 10 &
p=$!
kill $p
# ash says "Terminated" only if the job is not yet reaped when wait starts
# (a race on every kernel): it is left out here and below
wait $p 2>/dev/null; echo "wait: $?"
kill $p 2>&1 | sed 's/[0-9][0-9]*/PID/'
### kill-list
kill -l | head -n 2
kill -l 9 15 2
kill -l KILL
### kill-stop-cont
sleep 3 &
p=$!
kill -STOP $p; sleep 0.2
grep '^State' /proc/$p/status
kill -CONT $p; sleep 0.2
grep '^State' /proc/$p/status
kill $p; wait $p 2>/dev/null; echo "status $?"
### trap-ignore
sh -c "trap '' TERM; kill -TERM \$\$; echo survived TERM"
sh -c "trap 'echo caught INT; exit 3' INT; kill -INT \$\$; sleep 1"; echo "status $?"
### signal-inherit-ignore
trap '' USR1
sh -c 'kill -USR1 $$; echo "child ignores USR1 too"'
### sigpipe
sh -c 'yes; echo "yes ended: $?" >&2' 2>&1 | head -n 1
sh -c "trap '' PIPE; yes 2>&1 >&3 | cat >&2" 3>&1 2>err | head -n 1; sleep 0.2
sed 's/.*: //' err
### timeout
timeout 1 sleep 5; echo "timeout: $?"
timeout 5 sleep 0.1; echo "in time: $?"
timeout -s KILL 1 sleep 5; echo "killed: $?"
### sleep-fractions
sleep 0.05; sleep .1; usleep 1000; echo done
### read-timeout
sleep 1 | { read -t 0.3 x; echo "read -t: $?"; }
### time-output
time -p true 2>&1 | sed 's/[0-9.]*$/N/'
### process-tree
sh -c 'sh -c "sh -c \"echo \\\$PPID\" ; echo \$\$" ' | awk 'NR == 1 { a = $1 } NR == 2 { print (a == $1) ? "parent matches" : "differ" }'
### many-children
for i in $(seq 1 15); do (sleep 0.1; echo $i > /dev/null) & done
wait
echo "15 children waited"
for i in $(seq 1 10); do sh -c 'sleep 0.1; exit 3' & done; wait; echo ok
### deep-nesting
n=0
f() { n=$(( $1 + 1 )); if [ $n -lt 25 ]; then echo $(f $n); else echo $n; fi; }
f 0
### orphan-reaped
sh -c '(sleep 0.2; echo orphan done) & echo parent exits'
sleep 0.5
### xargs-parallel
seq 1 8 | xargs -P 4 -n 1 sh -c 'echo $(( $0 * $0 ))' | sort -n
### exec-fd-inherit
exec 5> fd5
sh -c 'echo via inherited fd >&5'
exec 5>&-
cat fd5
### env
env | sort
### env-i-u
env -i A=1 B=2 env | sort
env -u HOME env | grep -c '^HOME=' || true
env -i PATH=/bin sh -c 'echo "$PATH ${HOME:-nohome}"'
### env-command
env sh -c 'echo "$USER $HOME"'
env FOO=bar sh -c 'echo "FOO=$FOO"'
env nonexistent-command 2>&1; echo "status $?"
### proc-environ
cat /proc/self/environ | tr '\0' '\n' | sort | head -n 3
### proc-cmdline
cat /proc/self/cmdline | tr '\0' ' '; echo
sh -c 'cat /proc/$$/cmdline | tr "\0" " "' arg0 one two; echo
### proc-status
grep '^Name:' /proc/self/status
grep -c '^Pid:' /proc/self/status
awk '/^PPid:/ { print ($2 > 0) }' /proc/self/status
### proc-stat-self
cut -d' ' -f2,3 /proc/self/stat
### proc-exe-cwd
readlink /proc/self/exe
cd /tmp && readlink /proc/self/cwd
### proc-fd
ls /proc/self/fd | sort -n | tr '\n' ' '; echo
exec 7</dev/null
# Not in a pipeline: ls would race with the shell closing its pipe ends
ls /proc/$$/fd >/tmp/proc-fd.$$
sort -n /tmp/proc-fd.$$ | tr '\n' ' '; echo
rm /tmp/proc-fd.$$
readlink /proc/$$/fd/7
### proc-mounts
awk '$2 == "/proc" { print $1, $3 }' /proc/mounts
grep -c ' /dev ' /proc/mounts
### proc-mountinfo
awk '$5 == "/proc" { print $4, $(NF-3), $(NF-2), $(NF-1) }' /proc/self/mountinfo
awk '$(NF-3) != "-" { bad++ } END { print bad + 0, "lines without the separator" }' /proc/self/mountinfo
[ "$(wc -l < /proc/self/mountinfo)" = "$(wc -l < /proc/mounts)" ] && echo "one line per mount"
### proc-kernel-cmdline
[ -r /proc/cmdline ] && echo readable
wc -l < /proc/cmdline
### proc-meminfo
grep -c '^MemTotal:' /proc/meminfo
awk '/^MemTotal:/ { print ($2 > 100000 && $2 <= 262144) ? "at most 256 MiB" : $2, $3 }' /proc/meminfo
awk '/^MemFree:/ { print ($2 > 1000) ? "some free" : "none free" }' /proc/meminfo
### proc-cpuinfo
grep -c '^processor' /proc/cpuinfo
grep '^isa' /proc/cpuinfo | head -n 1 | cut -c1-12
### proc-uptime-loadavg
awk '{ print NF, ($1 > 0) }' /proc/uptime
awk '{ print NF }' /proc/loadavg
### proc-version
cut -d' ' -f1,2 /proc/version
### proc-filesystems
grep -w -o proc /proc/filesystems
grep -w -o tmpfs /proc/filesystems
### proc-pid-dirs
sleep 2 &
p=$!
sleep 0.3
[ -d /proc/$p ] && echo "its directory is there"
cut -d' ' -f3 /proc/$p/stat
kill $p; wait $p 2>/dev/null
[ -d /proc/$p ] || echo "and gone after wait"
### ps
sleep 3 &
# Until the child has called exec, its name is still sh
until read -r c </proc/$!/comm && [ "$c" = sleep ]; do sleep 0.05; done
ps -o comm | grep -c '^sleep$'
ps | head -n 1 | sed 's/  */ /g'
kill %1 2>/dev/null || kill $!
### ps-args
sh -c 'sleep 2' & sleep 0.2
ps -o args | grep -v grep | grep -c 'sleep 2'
kill $!
### pidof-killall
killall -q sleep; sleep 0.2
sleep 5 & sleep 5 &
sleep 0.1
pidof sleep | wc -w
killall sleep; wait
pidof sleep || echo "no sleep left"
### id
id
id -u; id -g; id -un; id -gn
whoami
groups
### uname
uname -s
uname -m
uname -r
uname -n
arch
### hostname
old=$(hostname)
hostname conformance-host && hostname
cat /proc/sys/kernel/hostname
hostname "$old"
### nproc
nproc
### free
free | head -n 1 | sed 's/  */ /g'
free -m | awk 'NR == 2 { print $1, ($2 > 100) ? "over 100 MiB" : $2 }'
### free-relations
# The lines of /proc/meminfo busybox's free and top read, in the kernel's
# order (Linux has more between them), and what free makes of them: its
# header, a Mem: line whose columns add up, a Swap: line, nothing else
# (without MemAvailable, Cached or SReclaimable it adds a -/+ line)
awk -F: '{ print $1 }' /proc/meminfo | grep -x -E 'MemTotal|MemFree|MemAvailable|Buffers|Cached|SwapCached|SwapTotal|SwapFree|Dirty|Writeback|Shmem|SReclaimable' | tr '\n' ' '; echo
awk '/^(MemTotal|MemFree|Cached|Dirty):/ { print $1, ($2 ~ /^[0-9]+$/ && $3 == "kB") ? "N kB" : $0 }' /proc/meminfo
free | awk 'NR == 1 { print $1, $2, $3, $4, $5, $6 }
NR == 2 { print $1
  print ($2 == $3 + $4 + $6) ? "total = used + free + buff/cache" : "columns do not add up: " $0
  print ($3 > 0 && $4 > 0 && $4 < $2) ? "some used, some free" : "used " $3 ", free " $4
  print ($7 > 0 && $7 <= $2) ? "available within total" : "available " $7 " of " $2 }
NR == 3 { print $1, $2, $3, $4 }
END { print NR, "lines" }'
### sysctl-vm-dirty
sysctl vm.dirty_writeback_centisecs vm.dirty_expire_centisecs
sysctl -w vm.dirty_expire_centisecs=1500
cat /proc/sys/vm/dirty_expire_centisecs
echo -5 > /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo "negative refused"
echo 3000 > /proc/sys/vm/dirty_expire_centisecs
sysctl -n vm.dirty_expire_centisecs
### uptime
uptime | sed 's/.*load average/load average/; s/[0-9]\.[0-9][0-9]/N/g'
### top-batch
top -bn1 | awk '/PID/ { print $1, $2, $NF }'
top -bn1 | grep -c 'top -bn1'
top -bn1 | grep -c '^Load average'
### ps-columns
sleep 2 & p=$!
sleep 0.3
ps -o pid,ppid,stat,comm | awk -v p=$p -v s=$$ '$1 == p { print ($2 == s), $3, $4 }'
kill $p
### df
# Apart: Linux's rootfs is no mount point for busybox's df, which says so on
# stderr, and the order of that line against a pipe's output is a race.
df / > out 2> err
cat err
head -n 1 out | sed 's/  */ /g'
df /proc > /dev/null; echo "df /proc: $?"
### mount-tmpfs
mkdir m
mount -t tmpfs none m && echo mounted
echo inside > m/f; cat m/f
grep -c "$(pwd)/m" /proc/mounts
umount m && echo unmounted
ls m | wc -l
### exec-many-args
# exec takes as much as Linux: strings and their pointers up to a quarter
# of the stack limit (2 MiB), however many strings (40,000 here, 229 KB)
a=$(seq 1 40000 | tr '\n' ' ')
/bin/echo $a | wc -c
a=$(seq 1 200000 | tr '\n' ' ')
/bin/echo $a > /dev/null 2> err; echo "status $?"
sed 's/.*: //' err
### mount-names-escaped
# /proc/mounts and mountinfo write a space, tab, newline or backslash in a
# source or mount point as \ooo; an empty source is an empty field
mkdir "$(printf 's p\tq')" ramfs
mount -t tmpfs 'my src\' "$(printf 's p\tq')" && echo mounted
mount -t ramfs '' ramfs && echo mounted
grep -F " $(pwd)/s\040p\011q " /proc/mounts | cut -d' ' -f1,3
grep -F " $(pwd)/ramfs ramfs " /proc/mounts | cut -d' ' -f1,3
grep -F " $(pwd)/s\040p\011q " /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1,2
# busybox's umount looks the mount up with getmntent, which reads the line
# of an empty source as path, type: on "ramfs", that "path" is the same
umount "$(printf 's p\tq')" && umount ramfs && echo unmounted
### mount-long-source
# a tmpfs's source is kept whole, however long (up to PATH_MAX)
mkdir m
s=$(printf '%0300d' 0)
mount -t tmpfs "$s" m && echo mounted
grep " $(pwd)/m " /proc/mounts | cut -d' ' -f1 | wc -c
umount m && echo unmounted
### tmpfs-size
mkdir m
mount -t tmpfs -o size=1m none m && echo mounted
dd if=/dev/zero of=m/f bs=4096 count=300 2>&1 | head -n 1
ls -l m/f | awk '{ print $5 }'
df -k m | awk 'NR == 2 { print $2, $3, $4, $5 }'
echo more >> m/f || echo "append failed"
rm m/f
df -k m | awk 'NR == 2 { print $2, $3, $4 }'
grep " $(pwd)/m " /proc/mounts | cut -d' ' -f1,3
grep " $(pwd)/m " /proc/mounts | cut -d' ' -f4 | tr , '\n' | grep -E '^(size|nr_inodes|mode)='
umount m
### tmpfs-size-units
mkdir m
for o in size=64k size=2M size=0x100000 size=3g nr_blocks=10 size=8191 size=1%,size=64k; do
  mount -t tmpfs -o $o none m && df -k m | awk -v o=$o 'NR == 2 { print o, $2 }'; umount m
done
mount -t tmpfs -o size=50% none m
df -k m | awk 'NR == 2 { print ($2 > 80000 && $2 <= 131072) ? "half of RAM" : $2 }'; umount m
mount -t tmpfs none m
df -k m | awk 'NR == 2 { print ($2 > 80000 && $2 <= 131072) ? "default: half of RAM" : $2 }'; umount m
mount -t tmpfs -o size=0 none m
df -k m | awk 'NR == 2 { print "size=0:", $2 }'
dd if=/dev/zero of=m/f bs=1M count=2 2>/dev/null; ls -l m/f | awk '{ print $5 }'; umount m
### tmpfs-bad-options
mkdir m
for o in size=1x size= size foo=1 nr_inodes=1q mode=9 mode= huge=sometimes inode64=1 size=1mb \
    size=-1 size=1,5 uid=4294967295; do
  mount -t tmpfs -o "$o" none m 2>&1 | sed 's/^.*: //'; umount m 2>/dev/null && echo "$o mounted"
done
for o in huge=never inode64 size=1m,,mode=755; do
  mount -t tmpfs -o "$o" none m && echo "$o mounted"; umount m
done
mount -t ramfs -o foo=bar,size=1x none m && echo "ramfs ignores foo and size"; umount m
mount -t ramfs -o mode=9 none m 2>&1 | sed 's/^.*: //'
### tmpfs-fallocate
mkdir m
mount -t tmpfs -o size=64k none m
fallocate -l 128k m/f 2>&1 | sed 's/^.*: //'
ls -l m/f | awk '{ print $5 }'
df -k m | awk 'NR == 2 { print $2, $3, $4 }'
fallocate -l 32k m/g && ls -l m/g | awk '{ print $5 }'
du -k m/g | cut -f1
df -k m | awk 'NR == 2 { print $2, $3, $4 }'
fallocate -o 40k -l 40k m/g 2>&1 | sed 's/^.*: //'
ls -l m/g | awk '{ print $5 }'
umount m
### tmpfs-inodes
mkdir m
mount -t tmpfs -o nr_inodes=3 none m
: > m/a; : > m/b
(: > m/c) 2>&1 | sed 's/^.*: //'
df -i m | awk 'NR == 2 { print $2, $3, $4 }'
rm m/b
ln m/a m/l && echo linked
ln m/a m/l2 2>&1 | sed 's/^.*: //'
mkdir m/d 2>&1 | sed 's/^.*: //'
rm m/l; mkdir m/d && echo "made d"
umount m
### tmpfs-mode
mkdir m
mount -t tmpfs none m; stat -c '%a %u %g' m; umount m
mount -t tmpfs -o mode=700,uid=12,gid=34 none m; stat -c '%a %u %g' m
grep " $(pwd)/m " /proc/mounts | cut -d' ' -f4 | tr , '\n' | grep -E '^(size|nr_inodes|mode|uid|gid)='
umount m
mount -t tmpfs -o mode=41777,gid=0x22 none m; stat -c '%a %g' m; umount m
mount -t ramfs -o mode=711 none m; stat -c '%a' m; umount m
mount -t ramfs none m; stat -c '%a' m; umount m
### mount-busy
mkdir m
mount -t tmpfs none m
cd m
umount ../m 2>&1 | sed 's/^.*: //'
cd ..; umount m && echo "unmounted after leaving"
### proc-mounts-list
cut -d' ' -f2,3 /proc/mounts | sort
### chroot
mkdir -p r/bin
cp /bin/busybox r/bin/
chroot r /bin/busybox sh -c 'echo inside; /bin/busybox pwd; /bin/busybox ls /'
### setsid
setsid sh -c '[ "$(cut -d" " -f6 /proc/$$/stat)" = $$ ] && echo "leads a new session" > out'
sleep 0.3; cat out
### taskset-renice
taskset 1 echo pinned
renice -n 5 $$ > /dev/null && echo reniced
### ulimit-set
sh -c 'ulimit -n 64; ulimit -n'
sh -c 'ulimit -s 4096; ulimit -s'
sh -c 'ulimit -c 0; ulimit -c'
### ulimit-fsize
sh -c 'ulimit -f 1; trap "" XFSZ; dd if=/dev/zero of=f bs=1024 count=4 2>/dev/null; echo "dd: $?"'
wc -c < f
### tty
tty; echo "tty: $?"
### which
which ls sh busybox
which nonexistent; echo "status $?"
### run-parts
mkdir d
printf '#!/bin/sh\necho first\n' > d/10-a; printf '#!/bin/sh\necho second\n' > d/20-b
printf 'not run\n' > d/skip.txt
chmod +x d/10-a d/20-b
run-parts d
run-parts --test d
### getopt
getopt -o ab:c -l long,arg: -- -a -b x --long --arg=y file
### mkpasswd
mkpasswd -m sha512 conformance saltsalt
mkpasswd -m md5 conformance saltsalt
### sha3-shuf
echo data | sha3sum
shuf -i 1-10 | sort -n | tr '\n' ' '; echo
### memory-hungry
awk 'BEGIN { for (i = 0; i < 5000; i++) a[i] = i; n = 0; for (k in a) n++; print n }'
dd if=/dev/zero bs=1048576 count=4 2>/dev/null | wc -c
### pipe-blocking
dd if=/dev/zero bs=65536 count=16 2>/dev/null | (sleep 0.3; wc -c)
### clock-monotonic
a=$(cut -d' ' -f1 /proc/uptime); sleep 0.3; b=$(cut -d' ' -f1 /proc/uptime)
awk -v a=$a -v b=$b 'BEGIN { print (b - a >= 0.25 && b - a < 5) ? "about 0.3 s passed" : b - a }'
### hwclock
hwclock -r -u > /dev/null && echo "read the RTC"
### hwclock-write
# -w sets the RTC from the system clock; -r's time is shown by its shape
# (Linux's answers are kept from another day). The node: 250:0, root's.
hwclock -w && echo "wrote the RTC"
hwclock -r -u | sed 's/^[A-Z][a-z]* [A-Z][a-z]*  *[0-9]* //; s/[0-9]/N/g'
hwclock -r -u -f /dev/rtc0 > /dev/null && echo "read /dev/rtc0"
stat -c '%A %t:%T %U' /dev/rtc0
### dmesg
dmesg > /dev/null; echo "dmesg: $?"
dmesg | grep -q '^\[ *[0-9]*\.[0-9]\{6\}\] ' && echo "lines have the time since boot"
dmesg -r | grep -q '^<[0-7]>\[' && echo "raw lines have a level"
dmesg -n 8; echo "console level 8: $?"; dmesg -n 7
dmesg -n 9; echo "console level 9: $?"
dmesg -c > /dev/null; dmesg | wc -l
### sysctl
sysctl -n kernel.ostype
sysctl kernel.pid_max > /dev/null && echo "has pid_max"
### sh-stdin-script
echo 'echo from stdin; exit 4' | sh; echo "status $?"
### watchdog-free-commands
true; false; :; echo "$?"
[ 1 ] && echo bracket
### exec-env-size
big=$(head -c 50000 /dev/zero | tr '\0' x)
BIG=$big sh -c 'echo ${#BIG}'
### argv-many
sh -c 'echo $#' $(seq 1 1000)
seq 1 3000 | xargs sh -c 'echo $#' | sort -n | tail -n 1 | awk '{ print ($1 > 1000) ? "many" : $1 }'
### fork-exec-loop
i=0; while [ $i -lt 10 ]; do /bin/true; i=$((i + 1)); done; echo $i
### stat-proc-self
stat -c '%F' /proc/self
stat -L -c '%F' /proc/self
### fd-limits
sh -c 'exec 9>/dev/null && echo fd9' 
sh -c 'for i in $(seq 10 40); do eval "exec $i>/dev/null"; done; ls /proc/self/fd | wc -l'
