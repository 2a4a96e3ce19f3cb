/*
 * lex.c - command text to tokens.
 *
 * A word runs until an unquoted blank or operator character.  Its text is
 * kept raw, quotes and backslashes included: expansion (expand.c) needs
 * to know what was quoted, and does the unquoting itself.  The lexer only
 * tracks quotes to find where the word ends:
 *
 *   'single'   nothing is special inside, up to the next '
 *   "double"   \ escapes the next character; $ is expanded later
 *   \c         c is literal; \ + newline is a line continuation (dropped)
 *
 * A word of digits right before < or > is the fd of a redirection (2>x).
 * # at the start of a word starts a comment that runs to the end of line.
 */
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct lexer {
	const char *p;
	struct token *toks;
	int count, cap;
	int io_number; /* digits just seen before < or >, else -1 */
};

static void add_token(struct lexer *lx, enum token_kind kind, char *text)
{
	if (lx->count == lx->cap) {
		lx->cap = lx->cap ? lx->cap * 2 : 16;
		lx->toks = xrealloc(lx->toks, sizeof(*lx->toks) * (size_t)lx->cap);
	}
	lx->toks[lx->count++] =
		(struct token){.kind = kind, .text = text, .io_number = lx->io_number};
	lx->io_number = -1;
}

static bool is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
	       c == '>' || c == '(' || c == ')' || c == '\0';
}

/* The operators, longest first so "&&" wins over "&". */
static const struct {
	const char *text;
	enum token_kind kind;
} operators[] = {
	{"&&", T_AND},	   {"||", T_OR},    {">>", T_DGREAT}, {"<&", T_LESSAND}, {">&", T_GREATAND},
	{"\n", T_NEWLINE}, {";", T_SEMI},   {"&", T_AMP},     {"|", T_PIPE},	 {"<", T_LESS},
	{">", T_GREAT},	   {"(", T_LPAREN}, {")", T_RPAREN},
};

/* Scan one word from lx->p; false if a quote or backslash is left open. */
static bool scan_word(struct lexer *lx)
{
	const char *start = lx->p, *p = lx->p;

	while (!is_meta(*p)) {
		if (*p == '\\') {
			/* At the very end, \ or \ + newline asks for another line. */
			if (!p[1] || (p[1] == '\n' && !p[2]))
				return false;
			p += 2;
		} else if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (!end)
				return false;
			p = end + 1;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p)
					return false;
				if (*p == '\\' && p[1])
					p++;
			}
			p++;
		} else {
			p++;
		}
	}
	lx->p = p;

	/* All digits, then < or >: not a word but the fd of a redirection. */
	size_t n = (size_t)(p - start);
	if ((*p == '<' || *p == '>') && n <= 4 && strspn(start, "0123456789") >= n) {
		lx->io_number = atoi(start);
		return true;
	}
	add_token(lx, T_WORD, arena_strndup(start, n));
	return true;
}

/* One operator at lx->p (there always is one when this is called). */
static void scan_operator(struct lexer *lx)
{
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
		size_t n = strlen(operators[i].text);
		if (strncmp(lx->p, operators[i].text, n) == 0) {
			add_token(lx, operators[i].kind, (char *)operators[i].text);
			lx->p += n;
			return;
		}
	}
}

enum lex_result lex(const char *text, struct token **tokens, int *count)
{
	struct lexer lx = {.p = text, .io_number = -1};
	enum lex_result r = LEX_OK;

	for (;;) {
		while (*lx.p == ' ' || *lx.p == '\t')
			lx.p++;
		if (lx.p[0] == '\\' && lx.p[1] == '\n') {
			/* A continuation between words: the line goes on. */
			lx.p += 2;
			if (!*lx.p) {
				r = LEX_INCOMPLETE;
				break;
			}
			continue;
		}
		if (*lx.p == '#')
			lx.p += strcspn(lx.p, "\n");
		if (!*lx.p)
			break;
		if (!is_meta(*lx.p)) {
			if (!scan_word(&lx)) {
				r = LEX_INCOMPLETE;
				break;
			}
		} else {
			scan_operator(&lx);
		}
	}
	/* A newline, so every list ends the same way, and then the end. */
	add_token(&lx, T_NEWLINE, "newline");
	add_token(&lx, T_END, "end of file");
	*tokens = arena_alloc(sizeof(**tokens) * (size_t)lx.count);
	memcpy(*tokens, lx.toks, sizeof(**tokens) * (size_t)lx.count);
	*count = lx.count;
	free(lx.toks);
	return r;
}
