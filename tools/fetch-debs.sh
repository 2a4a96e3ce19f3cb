#!/bin/sh
# fetch-debs.sh [-d DIR] [-q] PKG... : fetch riscv64 packages from Debian's
# archive (trixie) and unpack each into DIR/PKG/ (default DIR: build/debs in
# the source tree).  PKG may be written @META: then the package fetched is
# the one META depends on (linux-image-riscv64 names the current kernel), and
# it is unpacked into DIR/META/, a path that does not move with versions.
#
# The build machine (Debian 12) has no riscv64 archive, and nothing on the
# host is changed: apt runs with a private configuration kept in DIR (its
# sources.list, package lists and cache), as docs/conformance.md describes.
# Signatures are checked against the system's Debian archive keyring, and a
# package's .deb against the hash in the signed package list.
#
# Fetched once and kept: a package whose DIR/PKG/.fetched exists is not
# looked at again (no network); `rm -rf DIR/PKG` fetches it anew, `rm -rf
# DIR` refreshes the lists too.
#
# Exit status: 0 when every package is there; 3 when the archive cannot be
# reached (the message says so; callers may skip what needs the packages);
# 1 on any other failure; 2 on a usage error.
#
# Environment: SLUICE_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# SLUICE_APT_RETRIES (apt's Acquire::Retries, default 3), SLUICE_DEBIAN_KEYRING
# (the keyring that signs the archive, default Debian's).
set -eu

prog=fetch-debs
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$src/build/debs
quiet=0
suite=trixie
mirror=${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=${SLUICE_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

usage() {
	sed -n '2,26s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-d) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
	-q) quiet=1; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
mkdir -p "$dir"
dir=$(cd "$dir" && pwd) # apt's -o options need absolute paths

say() { [ "$quiet" = 1 ] || echo "$prog: $*" >&2; }

# Nothing to do when everything was fetched before: no apt, no network.
todo=""
for p in "$@"; do
	[ -f "$dir/${p#@}/.fetched" ] || todo="$todo $p"
done
[ -n "$todo" ] || exit 0

for t in apt-get apt-cache dpkg-deb; do
	command -v $t >/dev/null 2>&1 || {
		echo "$prog: $t not found (this script needs Debian's apt and dpkg)" >&2
		exit 1
	}
done
[ -r "$keyring" ] || {
	echo "$prog: $keyring missing: install debian-archive-keyring" >&2
	exit 1
}

mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
echo "deb [arch=riscv64 signed-by=$keyring] $mirror $suite main" >"$dir/sources.list.new"
# A changed mirror makes the old lists stale.
if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" 2>/dev/null; then
	mv "$dir/sources.list.new" "$dir/sources.list"
	rm -f "$dir"/lists/*_Packages* "$dir/lists/.updated"
else
	rm -f "$dir/sources.list.new"
fi

# The private configuration: nothing read from or written to /etc/apt or
# /var/lib/apt, one architecture, no lock (the files are ours alone).
apt_opts="-o Dir::Etc::SourceList=$dir/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
 -o Dir::State::Lists=$dir/lists -o Dir::State::Status=/dev/null
 -o Dir::Cache=$dir/cache -o APT::Architecture=riscv64 -o APT::Architectures::=riscv64
 -o Debug::NoLocking=1 -o APT::Sandbox::User=$(id -un) -q
 -o Acquire::Retries=${SLUICE_APT_RETRIES:-3}"
log=$dir/apt.log

apt() { # apt-get or apt-cache with the private options; output to the log
	# shellcheck disable=SC2086 # one word per option
	"$@" $apt_opts >>"$log" 2>&1
}

if [ ! -f "$dir/lists/.updated" ]; then
	say "fetching Debian $suite's riscv64 package lists from $mirror (about 10 MB, once)"
	: >"$log"
	apt apt-get update || true
	# A bad signature is not an unreachable archive: say which it is.
	if grep -q 'GPG error\|NO_PUBKEY\|is not signed\|BADSIG\|EXPKEYSIG' "$log"; then
		echo "$prog: the package lists' signatures do not check out against $keyring:" >&2
		grep 'GPG error\|NO_PUBKEY\|is not signed\|BADSIG\|EXPKEYSIG' "$log" | sed 's/^/    /' >&2
		rm -f "$dir"/lists/*_Packages*
		exit 1
	fi
	if ! ls "$dir"/lists/*_Packages* >/dev/null 2>&1; then
		echo "$prog: cannot reach Debian's archive at $mirror (apt-get update got no package list)" >&2
		echo "$prog: last lines of $log:" >&2
		tail -n 5 "$log" | sed 's/^/    /' >&2
		exit 3
	fi
	touch "$dir/lists/.updated"
fi

# meta_dep META: the package META depends on (its first dependency).
meta_dep() {
	# shellcheck disable=SC2086
	apt-cache $apt_opts depends "$1" 2>>"$log" |
		awk '/^  *Depends:/ { print $2; exit }'
}

for p in $todo; do
	name=${p#@}
	pkg=$name
	if [ "$p" != "$name" ]; then
		pkg=$(meta_dep "$name")
		[ -n "$pkg" ] || { echo "$prog: $name: no such package or no dependency in $suite" >&2; exit 1; }
	fi
	say "fetching $pkg (riscv64) from Debian $suite"
	rm -f "$dir/${pkg}"_*.deb
	if ! (cd "$dir" && apt apt-get download "$pkg"); then
		if grep -q 'Unable to locate\|has no installation candidate' "$log"; then
			echo "$prog: $pkg: no such package in $suite (riscv64)" >&2
			exit 1
		fi
		echo "$prog: cannot download $pkg from $mirror; last lines of $log:" >&2
		tail -n 5 "$log" | sed 's/^/    /' >&2
		exit 3
	fi
	deb=$(cd "$dir" && ls "${pkg}"_*.deb | head -n 1)
	rm -rf "$dir/$name"
	dpkg-deb -x "$dir/$deb" "$dir/$name"
	echo "$deb" >"$dir/$name/.fetched"
	rm -f "$dir/$deb" # unpacked; the .deb itself is not needed again
done
