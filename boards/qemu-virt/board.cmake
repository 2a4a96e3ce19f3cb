# QEMU -machine virt: OpenSBI's fw_jump and fw_dynamic put the kernel at RAM + 2 MiB.
set(BOARD_KERNEL_LMA 0x80200000)
