/*
 * The "#!" line of an interpreted script, read as Linux's binfmt_script
 * reads it (execve(2), "Interpreter scripts"): the first EXEC_SCRIPT_BUF
 * bytes of the file, zero-filled past its end; the line ends at the first
 * newline (looked for up to the first NUL).  After "#!" and any spaces or
 * tabs comes the interpreter's path, up to a space, tab or NUL; after more
 * spaces or tabs, the rest of the line, trailing spaces and tabs cut, is
 * one optional argument, blanks inside it kept.  A line with no newline in
 * the buffer is cut at the buffer's end, but only if the path itself ends
 * inside it: a path that may have been cut is ENOEXEC.
 */
#include <sluice/errno.h>
#include <sluice/exec.h>
#include <sluice/string.h>

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* The first char in [p, last] that is not a space or tab, or NULL. */
static char *skip_blanks(char *p, char *last)
{
	for (; p <= last; p++)
		if (!spacetab(*p))
			return p;
	return NULL;
}

/* The first space, tab or NUL in [p, last], or NULL. */
static char *find_end(char *p, char *last)
{
	for (; p <= last; p++)
		if (spacetab(*p) || !*p)
			return p;
	return NULL;
}

/* The line's end: its newline, or the buffer's last byte if it can be cut there. */
static char *line_end(char *buf)
{
	char *last = buf + EXEC_SCRIPT_BUF - 1, *p;

	for (p = buf; p <= last && *p; p++)
		if (*p == '\n')
			return p;
	p = skip_blanks(buf + 2, last);
	if (!p || !find_end(p, last))
		return NULL; /* all blanks, or the path runs off the end */
	return last;
}

int exec_script_parse(char *buf, const char **name, const char **arg)
{
	char *end, *sep;

	*arg = NULL;
	if (buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	end = line_end(buf);
	if (!end)
		return -ENOEXEC;
	while (spacetab(end[-1]))
		end--;
	*name = skip_blanks(buf + 2, end);
	if (!*name || *name == end)
		return -ENOEXEC; /* no interpreter named */
	sep = find_end((char *)*name, end);
	if (sep && *sep)
		*arg = skip_blanks(sep, end);
	*end = '\0';
	if (*arg)
		*sep = '\0';
	return 0;
}
