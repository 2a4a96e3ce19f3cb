# archives: tar, cpio, ar, the compressors and their round trips, and
# archives made elsewhere (xz, lzma, zip, ar, deb: small files embedded in
# base64, made by Debian's own tools on the host).

### tar-create-list
mkdir -p d/sub; echo one > d/a; echo two > d/sub/b
tar cf a.tar d
tar tf a.tar | sort
### tar-extract
mkdir -p d/sub; echo one > d/a; echo two > d/sub/b
tar cf a.tar d
mkdir out; tar xf a.tar -C out
find out | sort
cat out/d/a out/d/sub/b
### tar-stdout-pipe
mkdir -p src/x; echo data > src/x/f
tar cf - src | (mkdir dst && cd dst && tar xf -)
cat dst/src/x/f
### tar-gzip
mkdir d; seq 1 1000 > d/nums
tar czf a.tgz d
tar tzf a.tgz
rm -r d; tar xzf a.tgz; tail -n 1 d/nums
### tar-bzip2
mkdir d; seq 1 1000 > d/nums
tar cjf a.tbz d
tar tjf a.tbz
rm -r d; tar xjf a.tbz; md5sum d/nums
### tar-modes
mkdir d; : > d/ro; : > d/exe; chmod 444 d/ro; chmod 755 d/exe; chmod 700 d
tar cf a.tar d; rm -rf d
tar xf a.tar
stat -c '%a %n' d d/exe d/ro
### tar-symlink
mkdir d; echo target > d/t; ln -s t d/l
tar cf a.tar d; rm -r d
tar xf a.tar
readlink d/l; cat d/l
### tar-hardlink
mkdir d; echo shared > d/a; ln d/a d/b
tar cf a.tar d; rm -r d
tar xf a.tar
stat -c '%h' d/a d/b
### tar-verbose
mkdir d; printf 12345 > d/f; chmod 644 d/f
touch -d '2010-05-06 07:08:09' d/f
tar cf a.tar d/f
tar tvf a.tar | sed 's/  */ /g'
### tar-to-stdout
mkdir d; echo "the content" > d/f
tar cf a.tar d
tar xOf a.tar d/f
### tar-strip
mkdir -p top/keep top/skip; : > top/keep/k; : > top/skip/s
tar cf a.tar top
mkdir out; tar xf a.tar -C out --strip-components 1
find out | sort
### tar-large
dd if=/dev/zero bs=1024 count=1024 2>/dev/null | tr '\0' 'z' > big
tar cf - big | tar xOf - | md5sum
md5sum < big
### tar-missing-file
# status: 1
tar cf a.tar nonexistent 2>&1
### tar-mtime
mkdir d; touch -d '2005-06-07 08:09:10' d/f
tar cf a.tar d; rm -r d
tar xf a.tar; stat -c '%Y' d/f
### gzip-roundtrip
seq 1 2000 > f
gzip f
ls
gunzip f.gz
ls; tail -n 1 f
### gzip-stdout
seq 1 500 | gzip -c | gunzip -c | md5sum
seq 1 500 | md5sum
### gzip-bytes
seq 1 500 | gzip -9 | md5sum
seq 1 500 | gzip -1 | wc -c
### gzip-keep-test
echo data > f
gzip -k f; ls
gzip -t f.gz && echo "test ok"
zcat f.gz
### gzip-corrupt
# status: 1
echo 'not gzip data' > f.gz
gunzip -c f.gz 2>&1
### gzip-multi
echo one > a; echo two > b
gzip a b; ls
zcat a.gz b.gz
### bzip2-roundtrip
seq 1 3000 > f
bzip2 f; ls
bunzip2 f.bz2; tail -n 1 f
seq 1 3000 | bzip2 | bzcat | tail -n 1
seq 1 3000 | bzip2 | md5sum
### bzip2-test
seq 1 10 | bzip2 > f.bz2
bzip2 -t f.bz2 && echo "test ok"
bzcat f.bz2 | wc -l
### lzop-roundtrip
seq 1 2000 > f
lzop f; ls
rm f; lzop -d f.lzo; tail -n 1 f
### xz-embedded
base64 -d > h.xz <<'EOF'
/Td6WFoAAATm1rRGAgAhARwAAAAQz1jMAQANaGVsbG8gZnJvbSB4egoAAABb+Ybd5id65gABJg4I
G+AEH7bzfQEAAAAABFla
EOF
xzcat h.xz
unxz h.xz; cat h
### lzma-embedded
base64 -d > h.lzma <<'EOF'
XQAAgAD//////////wA0GUnujekS5hQOv7nSZ6UAItn//12UAAA=
EOF
lzcat h.lzma
unlzma h.lzma; cat h
### zip-embedded
base64 -d > a.zip <<'EOF'
UEsDBBQAAAAAAIMYIlBoAW4GDgAAAA4AAAAKAAAAcmVhZG1lLnR4dHppcCBlbnRyeSBvbmUKUEsD
BBQAAAAIAIMYIlB0m4XjEQAAAN0AAAAMAAAAZGlyL2RhdGEudHh0S87PLShKLS5OTVFIHm5MLgBQ
SwECFAMUAAAAAACDGCJQaAFuBg4AAAAOAAAACgAAAAAAAAAAAAAApAEAAAAAcmVhZG1lLnR4dFBL
AQIUAxQAAAAIAIMYIlB0m4XjEQAAAN0AAAAMAAAAAAAAAAAAAACkATYAAABkaXIvZGF0YS50eHRQ
SwUGAAAAAAIAAgByAAAAcQAAAAAA
EOF
unzip -l a.zip
unzip -p a.zip readme.txt
unzip -q a.zip -d out; find out -type f | sort; cat out/dir/data.txt
### ar-embedded
base64 -d > a.a <<'EOF'
ITxhcmNoPgpvbmUudHh0ICAgICAgICAgOTQ2Njg0ODAwICAgMCAgICAgMCAgICAgMTAwNjQ0ICAx
MyAgICAgICAgYApmaXJzdCBtZW1iZXIKCnR3by50eHQgICAgICAgICA5NDY2ODQ4MDAgICAwICAg
ICAwICAgICAxMDA2NDQgIDcgICAgICAgICBgCnNlY29uZAoK
EOF
ar t a.a
ar p a.a two.txt
ar x a.a; cat one.txt
### deb-embedded
base64 -d > p.deb <<'EOF'
ITxhcmNoPgpkZWJpYW4tYmluYXJ5ICAgOTQ2Njg0ODAwICAgMCAgICAgMCAgICAgMTAwNjQ0ICA0
ICAgICAgICAgYAoyLjAKY29udHJvbC50YXIuZ3ogIDk0NjY4NDgwMCAgIDAgICAgIDAgICAgIDEw
MDY0NCAgMjUwICAgICAgIGAKH4sIAAAAAAACA+3STUvEMBAG4Jz7K+YPbDf92kIRccGr4sl7jNlt
MZsp0xTcf2/snhT8uFQQ3gfChGTIHN7kW7U6nbRNs9Tkc73sW11VZV3slvO21bWiRv2BeYpGiJQw
x+/6frr/p/Kt5RCF/cr57+r6y/zLsviYf1FUulSkkf/qHox9MUfXUe+85036DIfs0ck0cOioyHW2
F9sP0dk4S+oy3md3ZggxLScd3fMTP5/pKiz1xr2a0+hdznK8zm7dZGUY4/KUoTiEM42XcXRgodg7
ep/HcjLBOprmNCdTAAAAAAAAAAAAAAAAAAAAAADwW295iGtdACgAAGRhdGEudGFyLmd6ICAgICA5
NDY2ODQ4MDAgICAwICAgICAwICAgICAxMDA2NDQgIDE3NiAgICAgICBgCh+LCAAAAAAAAgPt0UsK
gzAUQNGMu4psoCap+ayntBGFYCDq/it21ELbSRWFeyYvvGQSbqXE6vQsOLfM2ft8noOu64s1ftmH
oK2QTmxgGsZrkVKUnMdv737dH1SlpqGonfU32hlH/+36D+21RLWf/sabQP+t+7cxpXy+5b75f39v
7ef+c+zX/rXzXkhN/9V1/fz/lOJdNl2KJwEAAAAAAAAAAAAAAI7nAbWzwcsAKAAA
EOF
dpkg-deb -f p.deb
dpkg-deb -c p.deb | sed 's/  */ /g'
mkdir root; dpkg-deb -x p.deb root; cat root/usr/share/hello-conf
### cpio-roundtrip
mkdir -p d/e; echo one > d/a; echo two > d/e/b
find d | sort | cpio -o -H newc > a.cpio 2>/dev/null
cpio -t < a.cpio 2>/dev/null
mkdir out; cd out; cpio -i -d < ../a.cpio 2>/dev/null
cat d/a d/e/b
### cpio-select
mkdir d; for i in 1 2 3; do echo "file $i" > d/$i; done
find d | sort | cpio -o -H newc -F a.cpio 2>/dev/null
rm -r d
cpio -i -d -F a.cpio d/2 2>/dev/null
find d | sort; cat d/2
### uuencode
printf 'binary\001\002\003 data\n' > f
uuencode f f.txt > enc; head -1 enc
uudecode -o out enc
cmp f out && echo "round trip"
uuencode -m f name | head -1
### tar-gz-stream-size
mkdir d; dd if=/dev/zero of=d/zeros bs=1024 count=512 2>/dev/null
tar czf - d | wc -c | awk '{ print ($1 < 2000) ? "small" : "big: " $1 }'
### tar-many-files
mkdir d; for i in $(seq 1 60); do echo $i > d/f$i; done
tar cf a.tar d; tar tf a.tar | wc -l
rm -r d; tar xf a.tar; cat d/f60
### gzip-large
dd if=/dev/zero bs=65536 count=8 2>/dev/null | gzip | gunzip | wc -c
### tar-auto-compress
mkdir d; echo x > d/f
tar caf a.tar.gz d 2>/dev/null || tar czf a.tar.gz d
tar xaf a.tar.gz -O d/f 2>/dev/null || tar xzf a.tar.gz -O d/f
