/*
 * dirent.h - directory streams (picolibc leaves <dirent.h> to the system).
 * Found before picolibc's own because the runtime's directory comes first
 * on the include path.  readdir() reads Linux getdents64 records.
 */
#ifndef SLUICE_USER_DIRENT_H
#define SLUICE_USER_DIRENT_H

#include <stdint.h>
#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO	   1
#define DT_CHR	   2
#define DT_DIR	   4
#define DT_BLK	   6
#define DT_REG	   8
#define DT_LNK	   10
#define DT_SOCK	   12

struct dirent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[256];
};

typedef struct __dirstream DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);
void rewinddir(DIR *d);
int dirfd(DIR *d);
int closedir(DIR *d);

#endif
