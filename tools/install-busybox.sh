#!/bin/sh
# install-busybox.sh ROOT BUSYBOX APPLETS: put Debian's busybox into the
# tree ROOT as /bin/busybox, with a symbolic link to it for every applet
# the file APPLETS lists (the output of `busybox --list-full`: one path
# per line, "bin/ls", "usr/bin/[", "sbin/reboot", ...).  busybox picks the
# applet by the name it was run as, so each link is the program of that
# name.  A path that ROOT already holds (one of Sluice's own programs) is
# left alone, and said.
set -eu

if [ $# -ne 3 ] || [ ! -d "$1" ] || [ ! -f "$2" ] || [ ! -f "$3" ]; then
	echo "usage: $0 ROOT-DIR BUSYBOX APPLET-LIST" >&2
	exit 2
fi
root=$1
mkdir -p "$root/bin"
cp "$2" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
n=0
while IFS= read -r path; do
	case $path in
	"" | bin/busybox) continue ;;
	/* | *..*) echo "$0: strange applet path '$path'" >&2; exit 1 ;;
	esac
	if [ -e "$root/$path" ] || [ -L "$root/$path" ]; then
		echo "$0: /$path is Sluice's own: no busybox link" >&2
		continue
	fi
	mkdir -p "$root/$(dirname "$path")"
	ln -s /bin/busybox "$root/$path"
	n=$((n + 1))
done <"$3"
[ "$n" -gt 0 ] || { echo "$0: no applets in $3" >&2; exit 1; }
