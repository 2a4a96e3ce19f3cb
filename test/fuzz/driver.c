/*
 * A stand-in for libFuzzer's main, for compilers without -fsanitize=fuzzer:
 * feeds each file named on the command line (or each file in a directory
 * named there) to LLVMFuzzerTestOneInput() once, in an exact-size heap
 * buffer so AddressSanitizer catches a read past its end.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	printf("Running: %s (%ld bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int run_dir(const char *dir)
{
	struct dirent *e;
	char path[4096];
	DIR *d = opendir(dir);
	int err = 0;

	if (!d) {
		fprintf(stderr, "cannot open %s\n", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		err |= run_file(path);
	}
	closedir(d);
	return err;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, err = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			err |= run_dir(argv[i]);
		else
			err |= run_file(argv[i]);
	}
	if (!err)
		printf("all inputs ran\n");
	return err;
}
