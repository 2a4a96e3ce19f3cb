/*
 * initramfs.S - the initial RAM file system, built into the kernel image.
 *
 * The build (userland/CMakeLists.txt, tools/mkinitramfs.sh) packs /init and
 * /bin/... into a cpio "newc" archive and passes its path in
 * SLUICE_INITRAMFS_PATH; the kernel finds the archive between
 * __initramfs_start and __initramfs_end (read with <sluice/cpio.h>).  It
 * lives in rodata: the kernel only reads it, and maps program pages by
 * copying from it.  8-byte alignment lets the cpio reader read headers
 * with no worry about alignment.
 */
#ifndef SLUICE_INITRAMFS_PATH
#error "SLUICE_INITRAMFS_PATH (the cpio archive) must be defined by the build"
#endif

	.section .rodata.initramfs, "a", @progbits
	.balign 8
	.globl __initramfs_start
__initramfs_start:
	.incbin SLUICE_INITRAMFS_PATH
	.globl __initramfs_end
__initramfs_end:

	.section .note.GNU-stack, "", @progbits
