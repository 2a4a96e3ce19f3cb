# How `make run` and `make debug` start QEMU for this board.
QEMU_MACHINE := -machine virt -smp 4 -m 256M
