#!/bin/sh
# on-linux.sh QEMU_USER DIR ROOT: the loader's test programs (DIR) under
# qemu-riscv64 on Linux, ROOT the staged initramfs tree (tdyn's
# interpreter /bin/tinterp is found there with -L): what usertests'
# exec_* tests expect of Sluice must hold for Linux's loader too.
# (qemu-user's loader stands in for Linux's here; addresses differ.)
set -u
q=$1 dir=$2 root=$3 fail=0

expect() { # name want-regex command...
	name=$1 want=$2
	shift 2
	out=$("$@" 2>&1)
	if printf '%s\n' "$out" | grep -q -- "$want"; then
		echo "ok   $name"
	else
		echo "FAIL $name: no '$want' in:"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	fi
}
expect spie 'spie: relocated pointers work' "$q" "$dir/spie"
expect spie-auxv 'spie: AT_BASE 0x0, AT_ENTRY at offset 0x[0-9a-f]*, AT_PHDR at offset 0x40, _start ok' "$q" "$dir/spie"
expect tinterp-alone 'tinterp: run by itself, AT_BASE 0x0' "$q" "$dir/tinterp"
expect tdyn 'tdyn: auxv describes me' "$q" -L "$root" "$dir/tdyn"
expect tdyn-base 'tinterp: AT_BASE is where I was loaded' "$q" -L "$root" "$dir/tdyn"
expect tdyn-pie 'tdyn: auxv describes me' "$q" -L "$root" "$dir/tdyn-pie"
expect low 'low: running at 0x1000' "$q" "$dir/low"
expect xstack 'xstack: ran code on the stack' "$q" "$dir/xstack"
expect execmap 'execmap: ok' "$q" "$dir/execmap"
exit $fail
