# QEMU -machine sifive_u (HiFive Unleashed emulation): RAM at 0x80000000.
set(BOARD_KERNEL_LMA 0x80200000)
# QEMU emulates this board and make test boots it: the test hooks are in.
set(BOARD_TEST_HOOKS ON)
