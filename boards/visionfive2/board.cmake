# StarFive VisionFive 2 (JH7110): RAM at 0x40000000; booti loads Image at RAM + 2 MiB.
set(BOARD_KERNEL_LMA 0x40200000)
