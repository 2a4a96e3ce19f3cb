/*
 * sync - write every file system's dirty blocks to its disk.
 */
#include <unistd.h>

int main(void)
{
	sync();
	return 0;
}
