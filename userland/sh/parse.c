/*
 * parse.c - tokens to a tree, by recursive descent.  The grammar, loosest
 * binding first:
 *
 *   list      := and_or ((';' | '&' | newline) and_or?)*
 *   and_or    := pipeline (('&&' | '||') newline* pipeline)*
 *   pipeline  := ['!'] command ('|' newline* command)*
 *   command   := (NAME=value)* (word | redirection)+
 *   redirection := [n] ('<' | '>' | '>>' | '<&' | '>&') word
 *
 * so "a | b && c ; d &" is SEQ(AND(PIPE(a, b), c), BG(d)).  && and || are
 * equal and bind left to right, as in every POSIX shell.
 */
#include <string.h>

#include "sh.h"

struct parser {
	struct token *t; /* the next token */
	enum parse_result result;
};

static struct node *new_node(enum node_kind kind, struct node *left, struct node *right)
{
	struct node *n = arena_alloc(sizeof(*n));

	n->kind = kind;
	n->left = left;
	n->right = right;
	return n;
}

/* Report the token the parser cannot take; the first error wins. */
static struct node *syntax_error(struct parser *ps)
{
	if (ps->result == PARSE_OK) {
		if (ps->t->kind == T_NEWLINE)
			sh_error("syntax error near newline");
		else if (ps->t->kind == T_END)
			sh_error("syntax error near end of file");
		else
			sh_error("syntax error near '%s'", ps->t->text);
		ps->result = PARSE_ERROR;
	}
	return NULL;
}

/* After | && ||: newlines may follow; the end of input means "read on". */
static bool more_follows(struct parser *ps)
{
	while (ps->t->kind == T_NEWLINE)
		ps->t++;
	if (ps->t->kind == T_END) {
		ps->result = PARSE_INCOMPLETE;
		return false;
	}
	return true;
}

/* Each redirection operator: what it does, and to which fd by default. */
static const struct {
	enum token_kind token;
	enum redir_kind kind;
	int fd;
} redir_ops[] = {
	{T_LESS, R_IN, 0},     {T_GREAT, R_OUT, 1},    {T_DGREAT, R_APPEND, 1},
	{T_LESSAND, R_DUP, 0}, {T_GREATAND, R_DUP, 1},
};

/* The redir_ops entry for a token, or -1 if it is no redirection. */
static int redir_op(enum token_kind k)
{
	for (int i = 0; i < (int)(sizeof(redir_ops) / sizeof(redir_ops[0])); i++)
		if (redir_ops[i].token == k)
			return i;
	return -1;
}

static bool parse_redirection(struct parser *ps, struct redir ***tail)
{
	struct token *op = ps->t++;
	struct redir *r = arena_alloc(sizeof(*r));
	int i = redir_op(op->kind);

	if (ps->t->kind != T_WORD) {
		syntax_error(ps);
		return false;
	}
	r->target = ps->t++->text;
	r->kind = redir_ops[i].kind;
	r->fd = op->io_number >= 0 ? op->io_number : redir_ops[i].fd;
	**tail = r;
	*tail = &r->next;
	return true;
}

static struct node *parse_command(struct parser *ps)
{
	struct command *c = arena_alloc(sizeof(*c));
	struct redir **tail = &c->redirs;

	for (;;) {
		if (ps->t->kind == T_WORD) {
			char *w = ps->t++->text;
			if (c->nwords == 0 && assignment_name_len(w))
				arena_push(&c->assigns, &c->nassigns, w);
			else
				arena_push(&c->words, &c->nwords, w);
		} else if (redir_op(ps->t->kind) >= 0) {
			if (!parse_redirection(ps, &tail))
				return NULL;
		} else {
			break;
		}
	}
	if (c->nwords == 0 && c->nassigns == 0 && !c->redirs)
		return syntax_error(ps);
	struct node *n = new_node(N_CMD, NULL, NULL);
	n->cmd = c;
	return n;
}

static struct node *parse_pipeline(struct parser *ps)
{
	bool negate = false;

	if (ps->t->kind == T_WORD && strcmp(ps->t->text, "!") == 0) {
		negate = true;
		ps->t++;
	}
	struct node *n = parse_command(ps);
	while (n && ps->t->kind == T_PIPE) {
		ps->t++;
		if (!more_follows(ps))
			return NULL;
		struct node *right = parse_command(ps);
		n = right ? new_node(N_PIPE, n, right) : NULL;
	}
	return n && negate ? new_node(N_NOT, n, NULL) : n;
}

static struct node *parse_and_or(struct parser *ps)
{
	struct node *n = parse_pipeline(ps);

	while (n && (ps->t->kind == T_AND || ps->t->kind == T_OR)) {
		enum node_kind kind = ps->t->kind == T_AND ? N_AND : N_OR;
		ps->t++;
		if (!more_follows(ps))
			return NULL;
		struct node *right = parse_pipeline(ps);
		n = right ? new_node(kind, n, right) : NULL;
	}
	return n;
}

enum parse_result parse(struct token *tokens, struct node **tree)
{
	struct parser ps = {.t = tokens, .result = PARSE_OK};
	struct node *list = NULL, **tail = &list;

	for (;;) {
		while (ps.t->kind == T_NEWLINE)
			ps.t++;
		if (ps.t->kind == T_END)
			break;
		struct node *n = parse_and_or(&ps);
		if (!n)
			break;
		if (ps.t->kind == T_AMP)
			n = new_node(N_BG, n, NULL);
		else if (ps.t->kind != T_SEMI && ps.t->kind != T_NEWLINE) {
			syntax_error(&ps);
			break;
		}
		ps.t++;
		/* a ; b ; c is SEQ(a, SEQ(b, c)): exec_tree walks it in a loop.
		 * tail is the slot that holds the last command so far. */
		if (*tail) {
			*tail = new_node(N_SEQ, *tail, n);
			tail = &(*tail)->right;
		}
		*tail = n;
	}
	*tree = ps.result == PARSE_OK ? list : NULL;
	return ps.result;
}
