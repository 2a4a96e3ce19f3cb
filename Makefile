# Sluice: the two commands a newcomer needs, and a few more.
#
#   make run      build the kernel and boot it on QEMU virt (Ctrl-A x quits)
#   make test     build everything and run every test (host, fuzz, QEMU)
#   make debug    boot on QEMU, stopped, with gdb-multiarch attached
#   make bench    print boot-cost figures measured with -icount shift=0
#   make lab LAB=traps    the student tree of a course lab (docs/labs/), in build/lab-traps
#   make grade LAB=traps  grade this tree's kernel on the lab's checks (points per check)
#   make conformance   busybox's commands on Sluice and on Linux, compared
#                 (docs/conformance.md; CASES='ash/*' for some, ARGS=-v to see diffs)
#   make BOARD=visionfive2    build for another board (see boards/)
#
# Each first installs the Debian packages it lacks (tools/ensure-deps.sh).

MAKEFLAGS += --no-print-directory
BOARD ?= qemu-virt
BUILD := build/$(BOARD)
OPENSBI := /usr/lib/riscv64-linux-gnu/opensbi/generic
APPEND ?=
# make run's disk: made once by mke2fs (tools/mk-ext2-image.py), then kept.
DISK ?= $(BUILD)/disk.img
# Boards the test suite builds; those QEMU can emulate are also booted.
TEST_BOARDS := qemu-virt qemu-sifive-u visionfive2 hifive-unmatched

# boards/<board>/qemu.mk says how QEMU emulates the board (QEMU_MACHINE).
-include boards/$(BOARD)/qemu.mk

.PHONY: all kernel run debug test bench conformance lab grade clean deps-run deps-test deps-debug

all: kernel

deps-run deps-test deps-debug: deps-%:
	@tools/ensure-deps.sh $*

# Configure once; after that cmake --build re-runs cmake itself when needed.
build/%/CMakeCache.txt:
	cmake -S . -B build/$* -DBOARD=$* > build-$*.log 2>&1 || { cat build-$*.log; rm -f build-$*.log; exit 1; }
	@rm -f build-$*.log

kernel: deps-run $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$$(nproc)

run: kernel
	@test -n "$(QEMU_MACHINE)" || { echo "make run: board '$(BOARD)' has no QEMU emulation; flash $(BUILD)/Image as boards/$(BOARD)/README.md says"; exit 1; }
	@echo "Booting Sluice on QEMU ($(QEMU_MACHINE)). To leave QEMU: Ctrl-A, then x."
	@test -f $(DISK) || { python3 tools/mk-ext2-image.py --system $(BUILD)/initramfs-root $(DISK) && \
		echo "Made $(DISK): an ext2 disk (mke2fs -d), mounted at /mnt. It is kept between runs."; }
	qemu-system-riscv64 $(QEMU_MACHINE) -nographic -bios $(OPENSBI)/fw_jump.elf \
		-kernel $(BUILD)/sluice -append "$(APPEND)" \
		-drive file=$(DISK),format=raw,if=none,id=hd0 -device virtio-blk-device,drive=hd0

debug: deps-debug kernel
	@test -n "$(QEMU_MACHINE)" || { echo "make debug: board '$(BOARD)' has no QEMU emulation"; exit 1; }
	@echo "QEMU waits for gdb on localhost:1234; quitting gdb ends QEMU."
	qemu-system-riscv64 $(QEMU_MACHINE) -nographic -bios $(OPENSBI)/fw_jump.elf \
		-kernel $(BUILD)/sluice -append "$(APPEND)" -s -S & \
	qpid=$$!; \
	gdb-multiarch -q $(BUILD)/sluice -ex 'set architecture riscv:rv64' \
		-ex 'target remote localhost:1234' -x tools/gdb/sluice.py; \
	kill $$qpid 2>/dev/null; wait $$qpid 2>/dev/null; true

test: deps-test
	@tools/run-tests.sh $(TEST_BOARDS)

bench: kernel
	@python3 test/qemu/bench.py --kernel $(BUILD)/sluice

# Always the qemu-virt build: the suite boots QEMU's virt machine.
conformance: deps-test build/qemu-virt/CMakeCache.txt
	cmake --build build/qemu-virt -j$$(nproc)
	@python3 test/conformance/conformance.py --build-dir build/qemu-virt \
		$(foreach c,$(CASES),--case '$(c)') $(ARGS)

LAB ?=
LAB_DIR ?= build/lab-$(LAB)
lab:
	@test -n "$(LAB)" || { python3 tools/lab.py list; echo "make lab LAB=<one of the above>"; exit 2; }
	python3 tools/lab.py make $(LAB) $(LAB_DIR)

# Always the qemu-virt build: the checks boot QEMU's virt machine.
grade: deps-test build/qemu-virt/CMakeCache.txt
	@test -n "$(LAB)" || { python3 tools/lab.py list; echo "make grade LAB=<one of the above>"; exit 2; }
	cmake --build build/qemu-virt -j$$(nproc)
	@python3 tools/lab.py grade $(LAB) --build-dir build/qemu-virt

clean:
	rm -rf build
