/* Kernel command line parsing: see <sluice/cmdline.h>. */
#include <sluice/cmdline.h>
#include <sluice/string.h>

bool cmdline_get(const char *cmdline, const char *key, const char **val, size_t *len)
{
	size_t klen = strlen(key);
	bool found = false;
	const char *p = cmdline;

	while (p && *p) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - p) >= klen && !strncmp(p, key, klen) &&
		    (p[klen] == '=' || p + klen == end)) {
			const char *v = p[klen] == '=' ? p + klen + 1 : end;
			*val = v;
			*len = (size_t)(end - v);
			found = true;
		}
		p = end;
	}
	return found;
}

bool cmdline_is(const char *cmdline, const char *key, const char *value)
{
	const char *v;
	size_t n;

	return cmdline_get(cmdline, key, &v, &n) && n == strlen(value) && !strncmp(v, value, n);
}
