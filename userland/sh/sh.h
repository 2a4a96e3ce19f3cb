/*
 * sh.h - the shell's pieces and how they meet.
 *
 * A command line goes through four stages, one file each:
 *
 *   main.c    reads a complete command (more lines while a quote or a
 *             trailing | && || is open), runs it, loops
 *   lex.c     text -> tokens: words (kept raw, quotes and all), operators
 *   parse.c   tokens -> a small tree: simple commands joined by | && || ; &
 *   exec.c    the tree -> processes: expansion (expand.c), redirections,
 *             PATH lookup, pipelines, process groups, the terminal
 *
 * with vars.c (shell variables and the environment) and builtin.c (cd,
 * exit, export, ...) on the side.  Everything a command line allocates
 * (tokens, tree, expanded words) comes from one arena, freed in one go
 * when the line has run.
 *
 * Plain POSIX C: the same files build against picolibc for Sluice and
 * against glibc on the host, where test/sh/ runs them.
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- memory: the per-command arena and a growable string (util.c) ---- */

/* size bytes, zeroed, that live until arena_free_all(); never NULL. */
void *arena_alloc(size_t size);
char *arena_strdup(const char *s);
char *arena_strndup(const char *s, size_t n);
void arena_free_all(void);
/* Append s to the NULL-terminated arena array *v of *n strings (it grows
 * by doubling, so n appends cost O(n)). */
void arena_push(char ***v, int *n, char *s);

/* malloc that prints "sh: out of memory" and exits rather than fail. */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

struct strbuf {
	char *s; /* NUL-terminated, malloc'd; NULL until the first add */
	size_t len, cap;
};
void sb_addc(struct strbuf *sb, char c);
/* The string (arena copy) and an empty buffer again. */
char *sb_take(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* "sh: " + message on stderr, after stdout's pending output. */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- lexer (lex.c) ---- */

enum token_kind {
	T_WORD,
	T_NEWLINE,  /* also ends the token list: T_NEWLINE then T_END */
	T_SEMI,	    /* ; */
	T_AMP,	    /* & */
	T_AND,	    /* && */
	T_PIPE,	    /* | */
	T_OR,	    /* || */
	T_LESS,	    /* <  */
	T_GREAT,    /* >  */
	T_DGREAT,   /* >> */
	T_LESSAND,  /* <& */
	T_GREATAND, /* >& */
	T_LPAREN,   /* ( and ): not supported, but named in error messages */
	T_RPAREN,
	T_END,
};

struct token {
	enum token_kind kind;
	char *text;    /* T_WORD: raw, quotes still in; operators: their spelling */
	int io_number; /* a redirection's explicit fd (2> ...), or -1 */
};

enum lex_result { LEX_OK, LEX_INCOMPLETE };

/* Split text into tokens, ending with T_END; LEX_INCOMPLETE if a quote or
 * a trailing backslash is still open at the end. */
enum lex_result lex(const char *text, struct token **tokens, int *count);

/* ---- the tree (parse.c) ---- */

enum redir_kind {
	R_IN,	  /* [n]<file    n defaults to 0 */
	R_OUT,	  /* [n]>file    n defaults to 1 */
	R_APPEND, /* [n]>>file */
	R_DUP,	  /* [n]>&m, [n]<&m, and m = '-' closes n */
};

struct redir {
	enum redir_kind kind;
	int fd;
	char *target; /* raw word: expanded when the command runs */
	struct redir *next;
};

struct command {
	char **assigns; /* NAME=value words before the command name */
	int nassigns;
	char **words; /* raw words: the name, then the arguments */
	int nwords;
	struct redir *redirs; /* in the order written */
};

enum node_kind {
	N_CMD,	/* a simple command */
	N_PIPE, /* left | right */
	N_AND,	/* left && right */
	N_OR,	/* left || right */
	N_SEQ,	/* left ; right */
	N_BG,	/* left &  (in the background) */
	N_NOT,	/* ! left */
};

struct node {
	enum node_kind kind;
	struct node *left, *right;
	struct command *cmd; /* N_CMD */
};

enum parse_result { PARSE_OK, PARSE_INCOMPLETE, PARSE_ERROR };

/* Tokens to a tree (*tree is NULL for an empty line).  PARSE_INCOMPLETE
 * if the input ends where more must come (after | && ||); PARSE_ERROR
 * after printing "sh: syntax error near ...". */
enum parse_result parse(struct token *tokens, struct node **tree);

/* ---- expansion (expand.c) ---- */

/*
 * A raw word to fields: quotes removed, $NAME ${NAME} $? $$ $# $! $0-$9
 * $@ $* and a leading ~ expanded; unquoted expansions split at blanks.
 * Appends to *argv (arena, NULL-terminated), returns false after an error
 * message (a bad ${...}).
 */
bool expand_word(const char *raw, char ***argv, int *argc);
/* One word to exactly one string (for redirections and assignments):
 * no splitting; NULL after an error message. */
char *expand_one(const char *raw);

/* ---- variables (vars.c) ---- */

void vars_init(char **envp);
const char *var_get(const char *name);
void var_set(const char *name, const char *value, bool export);
void var_unset(const char *name);
void var_export(const char *name);
/* NAME=value for each exported variable (arena, NULL-terminated). */
char **vars_environ(void);
/* Print "export NAME='value'" for each exported variable. */
void vars_print_exported(void);
/* NAME is [A-Za-z_][A-Za-z0-9_]* (its first len bytes; len -1: all). */
bool is_name(const char *s, int len);
/* The length of the NAME in "NAME=value", or 0 if word is not one. */
int assignment_name_len(const char *word);

/* ---- the shell's state (main.c) ---- */

struct shell {
	bool interactive; /* prompts, job notices, keeps going after errors */
	bool job_control; /* a terminal on stdin: process groups, tcsetpgrp */
	int status;	  /* $? */
	pid_t last_bg;	  /* $! */
	pid_t pid;	  /* $$: the shell's pid (a subshell's too) */
	pid_t pgid;	  /* the shell's own process group */
	bool interrupted; /* a foreground job died of ^C: skip the rest */
	char *arg0;	  /* $0 */
	char **args;	  /* $1 ... */
	int nargs;	  /* $# */
	bool exiting;	  /* the exit builtin ran: stop reading */
	int exit_status;
};
extern struct shell sh;

/* Run the script at path in this process, as "sh path args", and exit:
 * for a file execve refused as not an executable (ENOEXEC). */
void sh_run_script(const char *path, char **argv) __attribute__((noreturn));

/* ---- execution (exec.c) ---- */

/* Run a tree; returns its exit status (also left in sh.status). */
int exec_tree(struct node *n);
/* Reap finished background jobs; print "[pid] Done" if interactive. */
void jobs_reap(void);
/* Wait for background job pid (or all if pid is 0); its status. */
int jobs_wait(pid_t pid);
/* Exit status of a wait status: the code, or 128 + the signal number as
 * Linux numbers it. */
int status_of(int wstatus);

/* ---- builtins (builtin.c) ---- */

typedef int builtin_fn(int argc, char **argv);
/* The builtin called name, or NULL. */
builtin_fn *builtin_find(const char *name);

#endif
