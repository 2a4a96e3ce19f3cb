/*
 * mount_line.h - the fuzzer's reading of /proc/mounts, apart from the rest
 * so that the host tests can check it (test/host/test_fuzz_mount_line.c).
 */
#ifndef FUZZ_MOUNT_LINE_H
#define FUZZ_MOUNT_LINE_H

#include <stdbool.h>
#include <stddef.h>

bool fz_mount_point(const char *line, char *dir, size_t size);

#endif
