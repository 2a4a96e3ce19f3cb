# QEMU -machine virt: OpenSBI's fw_jump and fw_dynamic put the kernel at RAM + 2 MiB.
set(BOARD_KERNEL_LMA 0x80200000)
# QEMU emulates this board and make test boots it: the test hooks are in.
set(BOARD_TEST_HOOKS ON)
