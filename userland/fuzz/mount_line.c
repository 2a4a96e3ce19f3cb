/* The mount point of a /proc/mounts line (mount_line.h). */
#include <string.h>

#include "mount_line.h"

/*
 * The mount point of a /proc/mounts line: its second field, fields ending
 * at one space each (an empty source, which a worker's mount may give,
 * leaves the line starting with its space), with the kernel's \ooo for a
 * space, tab, newline or backslash turned back.  False if it does not fit.
 */
bool fz_mount_point(const char *line, char *dir, size_t size)
{
	size_t n = 0;

	line += strcspn(line, " \n");
	if (*line++ != ' ')
		return false;
	for (; *line && *line != ' ' && *line != '\n'; line++) {
		char c = *line;
		if (c == '\\' && line[1] >= '0' && line[1] <= '3' && line[2] >= '0' &&
		    line[2] <= '7' && line[3] >= '0' && line[3] <= '7') {
			c = (char)((line[1] - '0') << 6 | (line[2] - '0') << 3 | (line[3] - '0'));
			line += 3;
		}
		if (n + 1 >= size)
			return false;
		dir[n++] = c;
	}
	dir[n] = '\0';
	return n > 0;
}
