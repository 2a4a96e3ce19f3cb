/*
 * vars.c - shell variables.  One list holds them all; the exported ones
 * are what a command finds in its environment.  The shell starts with
 * its own environment, every variable exported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct var {
	char *name, *value; /* malloc'd */
	bool exported;
	struct var *next;
};

static struct var *vars;

bool is_name(const char *s, int len)
{
	if (len < 0)
		len = (int)strlen(s);
	if (len == 0 ||
	    !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (int i = 1; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

int assignment_name_len(const char *word)
{
	const char *eq = strchr(word, '=');

	return eq && is_name(word, (int)(eq - word)) ? (int)(eq - word) : 0;
}

static struct var *find(const char *name)
{
	for (struct var *v = vars; v; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

const char *var_get(const char *name)
{
	struct var *v = find(name);

	return v ? v->value : NULL;
}

void var_set(const char *name, const char *value, bool export)
{
	struct var *v = find(name);

	if (!v) {
		v = xmalloc(sizeof(*v));
		v->name = xstrdup(name);
		v->value = NULL;
		v->exported = false;
		v->next = vars;
		vars = v;
	}
	free(v->value);
	v->value = xstrdup(value);
	v->exported |= export;
}

void var_unset(const char *name)
{
	for (struct var **pp = &vars; *pp; pp = &(*pp)->next) {
		struct var *v = *pp;
		if (strcmp(v->name, name) == 0) {
			*pp = v->next;
			free(v->name);
			free(v->value);
			free(v);
			return;
		}
	}
}

void var_export(const char *name)
{
	struct var *v = find(name);

	if (v)
		v->exported = true;
	else
		var_set(name, "", true);
}

void vars_init(char **envp)
{
	for (; envp && *envp; envp++) {
		int n = assignment_name_len(*envp);
		if (!n)
			continue;
		char *name = arena_strndup(*envp, (size_t)n);
		var_set(name, *envp + n + 1, true);
	}
	arena_free_all();
}

char **vars_environ(void)
{
	int n = 0, i = 0;

	for (struct var *v = vars; v; v = v->next)
		n += v->exported;
	char **env = arena_alloc(sizeof(char *) * (size_t)(n + 1));
	for (struct var *v = vars; v; v = v->next) {
		if (!v->exported)
			continue;
		size_t len = strlen(v->name) + strlen(v->value) + 2;
		env[i] = arena_alloc(len);
		snprintf(env[i++], len, "%s=%s", v->name, v->value);
	}
	return env;
}

/* value in single quotes, each ' written as '\'' so it reads back. */
static void print_quoted(const char *value)
{
	putchar('\'');
	for (; *value; value++) {
		if (*value == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*value);
	}
	putchar('\'');
}

void vars_print_exported(void)
{
	for (struct var *v = vars; v; v = v->next) {
		if (!v->exported)
			continue;
		printf("export %s=", v->name);
		print_quoted(v->value);
		putchar('\n');
	}
}
