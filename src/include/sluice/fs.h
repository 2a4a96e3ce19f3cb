/*
 * The file system at boot (src/fs/mount.c): the root ramfs filled from
 * the initramfs, device nodes in /dev, /proc mounted.
 */
#ifndef SLUICE_FS_H
#define SLUICE_FS_H

void fs_init(void);

#endif
