# SiFive HiFive Unmatched (FU740): RAM at 0x80000000; booti loads Image at RAM + 2 MiB.
set(BOARD_KERNEL_LMA 0x80200000)
