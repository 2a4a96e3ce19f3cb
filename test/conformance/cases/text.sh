# text: the filters: grep, sed, awk, sort, uniq, cut, tr, wc, head, tail,
# and the small ones; numbers, encodings and dumps.

### grep-basic
printf 'apple\nbanana\ncherry\nApple pie\n' > f
grep apple f
grep -i apple f
grep -v an f
grep -c a f
grep -n rr f
### grep-options
printf 'one fish\ntwo fish\nred fish\nblue\n' > f
grep -o 'fish' f | uniq -c | sed 's/^ *//'
grep -w one f
grep -x blue f
grep -l fish f /dev/null
grep -q red f && echo quiet-found
grep -m 2 fish f
### grep-regex
printf 'a1\nb22\nc333\nabc\n' > f
grep '[0-9]\{2,\}' f
grep -E '^[ab][0-9]+$' f
grep -F '.' f || echo "no dot"
grep -e a1 -e c3 f
### grep-context
seq 1 20 > f
grep -A 1 '^5$' f
grep -B 2 '^10$' f
grep -C 1 '^15$' f
### grep-recursive
mkdir -p d/e; echo needle > d/a; echo hay > d/b; echo needle > d/e/c
grep -r needle d | sort
grep -rl needle d | sort
### grep-status
# status: 2
echo x | grep y; echo "no match: $?"
grep x /nonexistent
### sed-subst
echo 'hello world hello' | sed 's/hello/bye/'
echo 'hello world hello' | sed 's/hello/bye/g'
echo 'hello world hello' | sed 's/hello/bye/2'
echo 'path/to/file' | sed 's|/|::|g'
echo 'abc' | sed 's/\(a\)\(b\)/\2\1/'
echo 'aaa bbb' | sed -E 's/(a+) (b+)/\2 \1/'
### sed-print-delete
seq 1 10 > f
sed -n '3,5p' f
sed '2,9d' f
sed -n '/7/,$p' f
sed '$!d' f
### sed-commands
printf 'one\ntwo\nthree\n' > f
sed '2i\
inserted' f
sed '2a appended' f
sed '2c changed' f
sed 'y/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/' f
sed -n '$=' f
### sed-hold
printf '1\n2\n3\n' | sed -n '1!G;h;$p'
printf 'a\nb\nc\nd\n' | sed 'N;s/\n/+/'
### sed-inplace
printf 'x=1\ny=2\n' > conf
sed -i 's/=/ = /' conf
cat conf
### sed-multiple
echo abc | sed -e 's/a/A/' -e 's/c/C/'
echo abc | sed 's/a/A/;s/b/B/'
printf 's/x/y/\n' > script; echo xxx | sed -f script
### awk-fields
printf 'alice 30 paris\nbob 25 rome\ncarol 35 oslo\n' > f
awk '{ print $1 }' f
awk '{ print $NF, NF }' f
awk '$2 > 28 { print $1 " is over 28" }' f
awk 'NR == 2' f
### awk-sum
seq 1 100 | awk '{ s += $1 } END { print s, NR, s / NR }'
### awk-printf
awk 'BEGIN { printf "%5.2f|%-6s|%04d|%x|%c|%e\n", 3.14159, "ab", 42, 255, 65, 12345.678 }'
### awk-arrays
printf 'a 1\nb 2\na 3\nc 4\nb 5\n' | awk '{ sum[$1] += $2 } END { for (k in sum) print k, sum[k] }' | sort
### awk-functions
awk 'BEGIN { s = "Hello, World"; print length(s), toupper(s), tolower(s), substr(s, 8, 5), index(s, "World") }'
awk 'BEGIN { n = split("a:b:c", parts, ":"); print n, parts[1], parts[3] }'
awk 'BEGIN { s = "foo bar foo"; gsub(/foo/, "baz", s); print s; t = "x"; sub(/x/, "y", t); print t }'
awk 'BEGIN { if (match("abc123", /[0-9]+/)) print RSTART, RLENGTH }'
### awk-separator
echo 'a:b:c' | awk -F: '{ print $2 }'
echo 'a,b;c' | awk -F'[,;]' '{ print $3 $1 }'
echo 'x y z' | awk 'BEGIN { OFS = "-" } { $1 = $1; print }'
printf 'k=v\n' | awk -F= -v pre=P '{ print pre $2 }'
### awk-math
awk 'BEGIN { print int(7.9), int(-7.9), 2^10, 7 % 3, 1e3, 0.1 + 0.2, 1/3 }'
awk 'BEGIN { printf "%.4f %d %s\n", 22 / 7, "12abc" + 1, 1e300 * 1e10 }'
### awk-getline-system
awk 'BEGIN { "echo from-command" | getline x; print x; system("echo from-system") }'
### awk-control
awk 'BEGIN { for (i = 0; i < 5; i++) { if (i == 1) continue; if (i == 4) break; printf "%d ", i }; print ""; while (j < 3) j++; print j }'
### sort-basic
printf 'banana\napple\ncherry\napple\n' > f
sort f
sort -r f
sort -u f
### sort-numeric
printf '10\n9\n100\n-5\n3.5\n' | sort -n
printf '10\n9\n100\n' | sort
printf '1K\n2M\n3\n' | sort -h 2>/dev/null || echo "no -h"
### sort-keys
printf 'b 2\na 10\nc 1\na 2\n' > f
sort -k2 -n f
sort -k1,1 -k2,2nr f
printf 'x:3\ny:1\nz:2\n' | sort -t: -k2
### sort-stable-check
printf 'a\nb\nc\n' | sort -c && echo sorted
printf 'b\na\n' | sort -c 2>&1; echo "status $?"
### uniq
printf 'a\na\nb\nc\nc\nc\na\n' > f
uniq f
uniq -c f | sed 's/^ *//'
uniq -d f
uniq -u f
### cut
echo 'a:b:c:d' | cut -d: -f2
echo 'a:b:c:d' | cut -d: -f1,3-
echo 'abcdefgh' | cut -c2-4
echo 'abcdefgh' | cut -c-3,6-
printf 'x\ty\tz\n' | cut -f2
### tr
echo 'hello' | tr 'a-z' 'A-Z'
echo 'hello world' | tr -d 'lo'
echo 'aaabbbccc' | tr -s 'ab'
echo 'a1b2c3' | tr -cd '0-9'; echo
echo 'tab	sep' | tr '\t' ' '
echo 'hello' | tr '[:lower:]' '[:upper:]'
### wc
printf 'one two three\nfour\n\nfive six\n' > f
wc -l f
wc -w < f
wc -c < f
wc -L f
### head-tail
seq 1 20 > f
head -n 3 f
head -n -17 f
tail -n 3 f
tail -n +18 f
tail -c 6 f
### tail-follow-nothing
seq 1 3 > f
timeout 1 tail -f f; echo "tail -f ended: $?"
### rev-tac-nl
printf 'abc\ndef\n' > f
rev f
tac f
nl f
nl -b a -w 3 -s ': ' f
### fold-expand
echo 'abcdefghijklmnopqrstuvwxyz' | fold -w 10
printf 'a\tb\tc\n' | expand -t 4
printf 'a       b\n' | unexpand -a | od -c | head -1
### paste
printf '1\n2\n3\n' > a; printf 'x\ny\nz\n' > b
paste a b
paste -d, -s a
paste -d: a b a
### od-hexdump
printf 'AB\001\n\377' > f
od -c f
od -A x -t x1 f
hexdump -C f
xxd f
### printf-formats
printf '%s-%s\n' a b c d
printf '%3d|%-3d|%03d\n' 5 5 5
printf '%.3s|%10.2f|%e\n' abcdef 3.14159 1000
printf '%x %X %o %#x\n' 255 255 8 255
printf '%c%c\n' hello world
printf 'percent %% done\n'
printf '%d\n' 0x10 010 "'A"
### expr
expr 3 + 4
expr 10 / 3
expr 10 % 3
expr length hello
expr substr hello 2 3
expr index hello l
expr hello : 'h\(.*\)o'
expr 5 \> 3
expr 2 \* 3 - 1
### expr-status
# status: 1
expr 0
### seq
seq 5
seq 2 4
seq 10 -3 1
seq -s, 1 5
seq -w 8 11
seq 0.5 0.5 2
### factor-bc-dc
factor 360 97 1001
echo '2 3 + p' | dc
echo '10 3 / p' | dc
echo '2 10 ^ p' | dc 2>/dev/null || echo '2 10 ^ p' | dc
### base64
echo 'Hello, base64!' | base64
echo 'SGVsbG8sIGJhc2U2NCEK' | base64 -d
head -c 100 /dev/zero | base64 | tr -d '\n' | wc -c
### crc32
printf 'checksum me\n' > f
crc32 f 2>/dev/null || echo "no crc32"
### md5-stdin
printf '' | md5sum
printf 'a' | sha1sum
seq 1 1000 | sha256sum
### strings
printf 'abc\000\001\002hello world\000xy\000longer string\n' > bin
strings bin
strings -n 8 bin
### dos2unix
printf 'a\r\nb\r\n' > f
dos2unix f; od -c f | head -1
unix2dos f; od -c f | head -1
### yes-head
yes | head -n 3
yes hello | head -n 2
### sort-large
seq 1 5000 | sort -r | head -n 3
seq 1 5000 | sort -n -r | head -n 2
### awk-large
seq 1 10000 | awk '{ a[$1 % 7]++ } END { for (i = 0; i < 7; i++) printf "%d ", a[i]; print "" }'
### grep-binary
printf 'text\000binary\n' > f
grep -c binary f
grep -a binary f | od -c | head -1
### sed-regex-classes
echo 'a1 b2 c3' | sed 's/[[:digit:]]/#/g'
echo 'Hello World' | sed 's/[[:upper:]]/_/g'
echo '   trim me   ' | sed 's/^[[:space:]]*//;s/[[:space:]]*$//;s/$/|/'
### awk-uninitialized
echo 'x' | awk '{ print y + 0, "[" y "]", length(z) }'
### tr-ranges
echo 'Hello' | tr 'A-Za-z' 'N-ZA-Mn-za-m'
echo 'abc' | tr 'abc' 'x'
### column-width
printf 'a b\nlonger c\n' | awk '{ printf "%-8s|%s\n", $1, $2 }'
### cal
cal 2 2024
cal 9 1752
### date-format
date -u -d @0 '+%Y-%m-%d %H:%M:%S %A %j %Z'
date -u -d @1234567890
date -u -d '2024-02-29 12:34:56' +%s
TZ=UTC date -d @86400 +%F
### date-now
s1=$(date +%s); sleep 1; s2=$(date +%s)
[ $s2 -gt $s1 ] && echo "the clock moves"
[ $s1 -gt 1700000000 ] && echo "after 2023" || echo "clock before 2023: $s1"
### hexdump-formats
printf '\x01\x02\x03\x04\x05\x06\x07\x08' > f
hexdump -v -e '1/1 "%02x "' f; echo
od -t d2 f
od -t u4 f
### sort-ignore-case
printf 'b\nA\na\nB\n' | sort -f
printf 'b\nA\na\nB\n' | sort
### diff-dirs
mkdir a b; echo 1 > a/f; echo 2 > b/f; echo x > a/only
diff -r a b | grep -v '^[-+][-+][-+]'
### cmp-bytes
printf 'abcdef' > x; printf 'abXdeY' > y
cmp -l x y
# status: 1
### tee-pipe-status
echo x | tee /nonexistent/f 2>&1; echo "tee: $?"
### nl-tabs
printf 'line\n\nline\n' | nl
printf 'line\n\nline\n' | nl -b a
### unicode-bytes
printf 'caf\303\251\n' > f
wc -c < f
wc -m < f
od -c f | head -1
### sed-addresses
seq 1 12 | sed -n '0~4p' 2>/dev/null || seq 1 12 | sed -n '4p;8p;12p'
seq 1 12 | sed -n '2,+2p'
seq 1 12 | sed '/5/,/8/d' | tr '\n' ' '; echo
### awk-regex
printf 'foo1\nbar22\nbaz\n' | awk '/[0-9]+$/ { print "num:", $0 } !/[0-9]/ { print "none:", $0 }'
printf 'a b\n' | awk '{ if ($0 ~ /^a/) print "starts with a" }'
### sort-numbers-mixed
printf '3\n10\n2\n1\n' | sort -n | tr '\n' ' '; echo
printf '3\n10\n2\n1\n' | sort -rn | tr '\n' ' '; echo
### xargs-replace
printf 'a\nb\n' | xargs -I{} echo "<{}>"
echo 'one two' | xargs -t echo 2>&1
### realpath-tr
echo 'a b  c' | tr -s ' ' '\n'
### basic-calc
echo $(( $(seq 1 10 | tr '\n' '+')0 ))
