/*
 * expand.c - a raw word (as the lexer kept it) to the strings a command
 * gets: quotes removed, parameters expanded, and unquoted expansions split
 * into fields at blanks, so with A="x  y":
 *
 *   $A        two fields: x, y        "$A"   one field: x  y
 *   ''        one empty field         $EMPTY no field at all
 *
 * The word is walked once, building the current field in a strbuf;
 * `have` says whether a field has begun (a quote begins one even if it
 * adds nothing, which is how "" is an argument and $EMPTY is not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

struct expander {
	struct strbuf cur;
	bool have;  /* cur is a field, even if empty */
	bool split; /* split unquoted expansions (false for redirections) */
	char ***argv;
	int *argc;
};

static void field_end(struct expander *ex)
{
	if (!ex->have)
		return;
	arena_push(ex->argv, ex->argc, sb_take(&ex->cur));
	ex->have = false;
}

static void add_char(struct expander *ex, char c)
{
	sb_addc(&ex->cur, c);
	ex->have = true;
}

/* The value of an expansion: split at blanks unless quoted. */
static void add_value(struct expander *ex, const char *value, bool quoted)
{
	if (quoted)
		ex->have = true;
	for (; *value; value++) {
		if (!quoted && ex->split && strchr(" \t\n", *value))
			field_end(ex);
		else
			add_char(ex, *value);
	}
}

/* $@ and $*: the arguments, one field each for "$@", else joined by ' '. */
static void add_args(struct expander *ex, char which, bool quoted)
{
	for (int i = 0; i < sh.nargs; i++) {
		if (i > 0) {
			if (quoted && which == '@')
				field_end(ex);
			else
				add_value(ex, " ", quoted);
		}
		add_value(ex, sh.args[i], quoted);
	}
	if (quoted && sh.nargs == 0 && which == '*')
		ex->have = true;
}

/* A special parameter's value ($? $$ $# $! $0..$9), or NULL if c names none. */
static const char *special(char c, char *buf, size_t size)
{
	switch (c) {
	case '?':
		snprintf(buf, size, "%d", sh.status);
		return buf;
	case '$':
		snprintf(buf, size, "%ld", (long)sh.pid);
		return buf;
	case '#':
		snprintf(buf, size, "%d", sh.nargs);
		return buf;
	case '!':
		if (!sh.last_bg)
			return "";
		snprintf(buf, size, "%ld", (long)sh.last_bg);
		return buf;
	case '0':
		return sh.arg0;
	}
	if (c >= '1' && c <= '9')
		return c - '1' < sh.nargs ? sh.args[c - '1'] : "";
	return NULL;
}

/* The value of parameter name[0..len) (a special one, or a variable);
 * NULL if unset. */
static const char *param(const char *name, int len, char *buf, size_t size)
{
	if (len == 1 && special(name[0], buf, size))
		return special(name[0], buf, size);
	return var_get(arena_strndup(name, (size_t)len));
}

/* ${NAME} at p (the '{'); returns just past the '}', or NULL after an
 * error.  Only the plain form: no ${NAME:-word} and the like. */
static const char *braced(struct expander *ex, const char *p, bool quoted)
{
	const char *end = strchr(p, '}');
	int len = end ? (int)(end - p - 1) : 0;
	char buf[32];

	if (!end || !(is_name(p + 1, len) || (len == 1 && special(p[1], buf, sizeof(buf))))) {
		int show = end ? (int)(end - p) + 1 : (int)strcspn(p, "\"");
		sh_error("$%.*s: bad substitution", show, p);
		return NULL;
	}
	const char *value = param(p + 1, len, buf, sizeof(buf));
	add_value(ex, value ? value : "", quoted);
	return end + 1;
}

/*
 * The expansion at p (just past a '$'); returns where the word goes on,
 * or NULL after an error message.
 */
static const char *dollar(struct expander *ex, const char *p, bool quoted)
{
	char buf[32];
	const char *value;
	int len = 0;

	if (*p == '@' || *p == '*') {
		add_args(ex, *p, quoted);
		return p + 1;
	}
	if (*p == '{')
		return braced(ex, p, quoted);
	if (special(*p, buf, sizeof(buf)))
		len = 1;
	else
		while (is_name(p, len + 1))
			len++;
	if (len == 0) { /* a lone $ stands for itself */
		add_char(ex, '$');
		return p;
	}
	value = param(p, len, buf, sizeof(buf));
	add_value(ex, value ? value : "", quoted);
	return p + len;
}

/* Inside "...": p is just past the opening quote; returns just past the
 * closing one (the lexer made sure there is one), or NULL on error. */
static const char *double_quoted(struct expander *ex, const char *p)
{
	ex->have = true;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
			if (p[1] != '\n')
				add_char(ex, p[1]);
			p += 2;
		} else if (*p == '$') {
			if (!(p = dollar(ex, p + 1, true)))
				return NULL;
		} else {
			add_char(ex, *p++);
		}
	}
	return *p ? p + 1 : p;
}

static bool expand(struct expander *ex, const char *p)
{
	/* ~ or ~/... at the start: the home directory. */
	const char *home = var_get("HOME");
	if (p[0] == '~' && (p[1] == '\0' || p[1] == '/') && home) {
		add_value(ex, home, true);
		p++;
	}
	while (*p) {
		if (*p == '\\') {
			if (p[1] && p[1] != '\n')
				add_char(ex, p[1]);
			p += p[1] ? 2 : 1;
		} else if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
			ex->have = true;
			for (size_t i = 0; i < n; i++)
				add_char(ex, p[1 + i]);
			p += n + (end ? 2 : 1);
		} else if (*p == '"') {
			p = double_quoted(ex, p + 1);
		} else if (*p == '$') {
			p = dollar(ex, p + 1, false);
		} else {
			add_char(ex, *p++);
		}
		if (!p)
			return false;
	}
	field_end(ex);
	return true;
}

bool expand_word(const char *raw, char ***argv, int *argc)
{
	struct expander ex = {.split = true, .argv = argv, .argc = argc};
	bool ok = expand(&ex, raw);

	sb_free(&ex.cur);
	return ok;
}

char *expand_one(const char *raw)
{
	char **argv = NULL;
	int argc = 0;
	struct expander ex = {.split = false, .argv = &argv, .argc = &argc};
	bool ok = expand(&ex, raw);

	sb_free(&ex.cur);
	if (!ok)
		return NULL;
	return argc ? argv[0] : arena_strdup("");
}
