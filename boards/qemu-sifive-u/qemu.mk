# How `make run` and `make debug` start QEMU for this board: hart 0 is the
# E51 (no S-mode), harts 1-4 the U54s; the console is UART0.
QEMU_MACHINE := -machine sifive_u -smp 5 -no-reboot
