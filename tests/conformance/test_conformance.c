/*
 * Conformance with the installed reference (Debian libnetfilter-conntrack
 * 1.0.9): every name its headers define must exist in ours with the same
 * value, layout and type, and our library must export what it exports.
 *
 * The names are not listed here: they are extracted from the reference
 * headers at test time (preprocessed with the compiler), generated
 * programs print values/layouts/types, and those programs are built once
 * against our include directory and once against the reference's. Each
 * check reports every difference it finds, then fails if there was one.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nfct_test.h"

/*
 * Names the reference exports that ours may still lack (work in
 * progress). Empty: every nfct_ and nfexp_ export of the reference must be
 * ours too.
 */
static const char *const pending_exports[] = {
	NULL,
};

#define REF_HDR_DIR	REF_INCDIR "/libnetfilter_conntrack"

/* CONFORMANCE_OUR_INCDIR: check another header tree (to test the test). */
static const char *our_incdir(void)
{
	const char *d = getenv("CONFORMANCE_OUR_INCDIR");

	return d && *d ? d : OUR_INCDIR;
}
#define MAX_NAMES	4096

struct names {
	int n;
	char *v[MAX_NAMES];
	char *extra[MAX_NAMES];	/* per-name text (prototype, members) */
};

static char workdir[] = "/tmp/nfct-conformance-XXXXXX";
static char *headers[64];	/* reference header file names */
static int nheaders;
static struct names enums, macros, empty_macros, funcs, aggregates;
static int differences;

static void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "DIFF: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	differences++;
}

static void add(struct names *s, const char *name, const char *extra)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return;
	assert_true(s->n < MAX_NAMES);
	s->v[s->n] = strdup(name);
	s->extra[s->n] = extra ? strdup(extra) : NULL;
	s->n++;
}

static bool has(const struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return true;
	return false;
}

static void drop(struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			s->v[i][0] = '\0';	/* skipped from now on */
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (f == NULL)
		return strdup("");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, len + 1);
	assert_non_null(buf);
	if (fread(buf, 1, len, f) != (size_t)len)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Run a shell command in the work dir; returns its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && LC_ALL=C %s", workdir, cmd);
	st = system(full);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

static char *wpath(const char *name)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", workdir, name);
	return buf[k];
}

/* ---- extraction from the preprocessed reference headers ------------- */

struct tok {
	char s[128];
	bool ref;	/* comes from a reference libnetfilter_conntrack header */
	bool nfnl;	/* comes from a libnfnetlink header */
};

static struct tok *toks;
static int ntoks;

static void tokenize(const char *text)
{
	bool ref = false, nfnl = false;
	const char *p = text;
	size_t cap = 1 << 16;

	toks = malloc(cap * sizeof(*toks));
	assert_non_null(toks);
	while (*p) {
		struct tok *t;

		if (*p == '#' && (p == text || p[-1] == '\n')) {
			/* line marker: # N "file" flags */
			const char *q = strchr(p, '"'), *e = strchr(p, '\n');

			if (q && (!e || q < e)) {
				ref = strncmp(q + 1, REF_HDR_DIR "/", strlen(REF_HDR_DIR) + 1) == 0;
				nfnl = strstr(q, "libnfnetlink/") && strstr(q, "libnfnetlink/") < e;
			}
			p = e ? e + 1 : p + strlen(p);
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (ntoks + 1 >= (int)cap) {
			cap *= 2;
			toks = realloc(toks, cap * sizeof(*toks));
			assert_non_null(toks);
		}
		t = &toks[ntoks++];
		t->ref = ref;
		t->nfnl = nfnl;
		if (isalnum((unsigned char)*p) || *p == '_') {
			size_t n = 0;

			while ((isalnum((unsigned char)p[n]) || p[n] == '_') && n < sizeof(t->s) - 1)
				n++;
			memcpy(t->s, p, n);
			t->s[n] = '\0';
			p += n;
		} else if (*p == '"' || *p == '\'') {
			const char *q = p + 1;

			while (*q && *q != *p)
				q += (*q == '\\' && q[1]) ? 2 : 1;
			snprintf(t->s, sizeof(t->s), "%c", *p);	/* literal: opaque */
			p = *q ? q + 1 : q;
		} else {
			t->s[0] = *p++;
			t->s[1] = '\0';
		}
	}
}

static bool is_ident(const char *s)
{
	return isalpha((unsigned char)s[0]) || s[0] == '_';
}

/* Join tokens [a, b) with spaces. */
static char *join(int a, int b)
{
	size_t len = 1;
	char *s;

	for (int i = a; i < b; i++)
		len += strlen(toks[i].s) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (int i = a; i < b; i++) {
		strcat(s, toks[i].s);
		strcat(s, " ");
	}
	return s;
}

/* Enumerators of "enum [tag] { ... }" starting at the '{' at i. */
static void take_enum(int i)
{
	int depth = 0;
	bool expect_name = true;

	for (; i < ntoks; i++) {
		const char *s = toks[i].s;

		if (strchr("{([", s[0]) && s[1] == '\0') {
			depth++;
			continue;
		}
		if (strchr("})]", s[0]) && s[1] == '\0') {
			if (--depth == 0)
				return;
			continue;
		}
		if (depth == 1 && strcmp(s, ",") == 0)
			expect_name = true;
		else if (depth == 1 && expect_name && is_ident(s)) {
			add(&enums, s, NULL);
			expect_name = false;
		}
	}
}

/*
 * Members of "struct|union tag { ... }" with its '{' at i: each member's
 * name is the last identifier of its declarator, before any '['.
 */
static void take_aggregate(const char *kind, const char *tag, int i)
{
	char members[2048] = "", decl[300];
	char *last = NULL;
	int depth = 0;

	for (; i < ntoks; i++) {
		const char *s = toks[i].s;

		if (strcmp(s, "{") == 0 || strcmp(s, "[") == 0) {
			depth++;
			continue;
		}
		if (strcmp(s, "]") == 0) {
			depth--;
			continue;
		}
		if (strcmp(s, "}") == 0) {
			if (--depth == 0)
				break;
			continue;
		}
		if (depth != 1)
			continue;
		if ((strcmp(s, ",") == 0 || strcmp(s, ";") == 0) && last) {
			strcat(members, last);
			strcat(members, " ");
			last = NULL;
		} else if (is_ident(s)) {
			last = toks[i].s;
		}
	}
	snprintf(decl, sizeof(decl), "%s %s", kind, tag);
	add(&aggregates, decl, members);
}

/* A top-level declaration [a, b) (b at its ';'): what does it define? */
static void take_statement(int a, int b)
{
	int paren = -1;

	if (!toks[a].ref && !toks[a].nfnl)
		return;
	for (int i = a; i < b; i++) {
		if (strcmp(toks[i].s, "enum") == 0 && toks[a].ref) {
			int j = i + 1;

			if (j < b && is_ident(toks[j].s))
				j++;
			if (j < b && strcmp(toks[j].s, "{") == 0)
				take_enum(j);
		}
	}
	if (toks[a].ref && (strcmp(toks[a].s, "struct") == 0 ||
			    strcmp(toks[a].s, "union") == 0) &&
	    a + 2 < b && strcmp(toks[a + 2].s, "{") == 0)
		take_aggregate(toks[a].s, toks[a + 1].s, a + 2);
	if (strcmp(toks[a].s, "typedef") == 0)
		return;
	/* a function: first '(' not belonging to __attribute__ */
	for (int i = a; i < b; i++) {
		if (strcmp(toks[i].s, "__attribute__") == 0) {
			int d = 0;

			for (i++; i < b; i++) {
				if (strcmp(toks[i].s, "(") == 0)
					d++;
				else if (strcmp(toks[i].s, ")") == 0 && --d == 0)
					break;
			}
			continue;
		}
		if (strcmp(toks[i].s, "{") == 0)
			return;
		if (strcmp(toks[i].s, "(") == 0) {
			paren = i;
			break;
		}
	}
	if (paren > a && is_ident(toks[paren - 1].s)) {
		const char *name = toks[paren - 1].s;
		char *text;

		if (toks[a].nfnl && strncmp(name, "nfnl_", 5) != 0)
			return;
		text = join(a, b + 1);
		add(&funcs, name, text);
		free(text);
	}
}

/* Split into top-level declarations; function definitions are skipped. */
static void parse_declarations(void)
{
	int depth = 0, start = 0;
	bool body = false;	/* inside a function definition's body */

	for (int i = 0; i < ntoks; i++) {
		const char *s = toks[i].s;

		if (strcmp(s, "{") == 0 || strcmp(s, "(") == 0) {
			if (depth == 0 && s[0] == '{' && i > 0 &&
			    strcmp(toks[i - 1].s, ")") == 0)
				body = true;
			depth++;
		} else if (strcmp(s, "}") == 0 || strcmp(s, ")") == 0) {
			if (--depth == 0 && body && s[0] == '}') {
				body = false;
				start = i + 1;
			}
		} else if (strcmp(s, ";") == 0 && depth == 0) {
			take_statement(start, i);
			start = i + 1;
		}
	}
}

/* Object-like macros of the reference headers, read from their text. */
static void scan_macros(const char *file)
{
	char path[512], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", REF_HDR_DIR, file);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[128], *p = line;
		size_t n = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != '#')
			continue;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "define", 6) != 0 || !isspace((unsigned char)p[6]))
			continue;
		p += 6;
		while (isspace((unsigned char)*p))
			p++;
		while ((isalnum((unsigned char)p[n]) || p[n] == '_') && n < sizeof(name) - 1)
			n++;
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		if (*p == '(' || n == 0)
			continue;	/* function-like */
		while (isspace((unsigned char)*p))
			p++;
		add(*p ? &macros : &empty_macros, name, NULL);
	}
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int setup(void **state)
{
	DIR *d = opendir(REF_HDR_DIR);
	struct dirent *e;
	FILE *f;
	char *text;

	(void)state;
	if (d == NULL) {
		fprintf(stderr, "reference headers not found in %s\n", REF_HDR_DIR);
		return -1;
	}
	while ((e = readdir(d)) && nheaders < 64)
		if (strlen(e->d_name) > 2 && strcmp(e->d_name + strlen(e->d_name) - 2, ".h") == 0)
			headers[nheaders++] = strdup(e->d_name);
	closedir(d);
	qsort(headers, nheaders, sizeof(headers[0]), cmp_str);
	if (mkdtemp(workdir) == NULL)
		return -1;

	f = fopen(wpath("all.c"), "w");
	for (int i = 0; i < nheaders; i++)
		fprintf(f, "#include <libnetfilter_conntrack/%s>\n", headers[i]);
	fclose(f);
	if (sh("%s -E -Wno-cpp -I%s all.c > all.i 2> all.err", CC, REF_INCDIR) != 0)
		return -1;
	text = slurp(wpath("all.i"));
	tokenize(text);
	free(text);
	parse_declarations();
	for (int i = 0; i < nheaders; i++)
		scan_macros(headers[i]);
	/* libnetfilter_conntrack.h must bring NFNL_SUBSYS_* by itself */
	if (sh("%s -E -dM -I%s -x c - < /dev/null > none.dm 2>&1; "
	       "echo '#include <libnetfilter_conntrack/libnetfilter_conntrack.h>' | "
	       "%s -E -dM -I%s -x c - > main.dm", CC, REF_INCDIR, CC, REF_INCDIR) != 0)
		return -1;
	f = fopen(wpath("main.dm"), "r");
	if (f) {
		char line[512], name[128];

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "#define %127[A-Za-z0-9_] ", name) == 1 &&
			    strncmp(name, "NFNL_SUBSYS_", 12) == 0 &&
			    line[8 + strlen(name)] == ' ')	/* object-like */
				add(&macros, name, NULL);
		fclose(f);
	}
	fprintf(stderr, "reference: %d headers, %d enumerators, %d macros (+%d empty), %d functions, %d structs/unions\n",
		nheaders, enums.n, macros.n, empty_macros.n, funcs.n, aggregates.n);
	return (enums.n > 100 && macros.n > 20 && funcs.n > 50 && aggregates.n > 5) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", workdir);
	return 0;
}

/* ---- comparing generated programs ----------------------------------- */

/*
 * Compile @src (in the work dir) against our headers, removing names the
 * compiler reports undeclared (reported as missing) until it compiles,
 * by regenerating it with @gen. Then compile against the reference's.
 */
static bool build_both(const char *compiler, const char *src,
		       void (*gen)(const char *path), const char *extra)
{
	for (int round = 0; round < 20; round++) {
		char *err, *p;
		int missing = 0;

		gen(wpath(src));
		if (sh("%s -w %s -I%s -o ours.bin %s > build.err 2>&1", compiler,
		       extra, our_incdir(), src) == 0)
			break;
		err = slurp(wpath("build.err"));
		for (p = err; (p = strstr(p, "'")); ) {
			char name[128];

			if (sscanf(p, "'%127[A-Za-z0-9_]' undeclared", name) == 1 ||
			    sscanf(p, "'%127[A-Za-z0-9_]' was not declared", name) == 1) {
				if (*name && (has(&enums, name) || has(&funcs, name) ||
					      has(&macros, name))) {
					report("%s: missing in our headers", name);
					drop(&enums, name);
					drop(&funcs, name);
					drop(&macros, name);
					missing++;
				}
			}
			p++;
		}
		if (missing == 0) {
			report("%s does not build against our headers:\n%s", src, err);
			free(err);
			return false;
		}
		free(err);
	}
	if (sh("%s -w %s -I%s -o ref.bin %s > build.err 2>&1", compiler, extra,
	       REF_INCDIR, src) != 0) {
		char *err = slurp(wpath("build.err"));

		report("%s does not build against the reference headers:\n%s", src, err);
		free(err);
		return false;
	}
	return true;
}

/*
 * Ours is a superset of the reference (upstream 1.1.x adds attributes,
 * CTA_* and filter types), so the count sentinels -- NAME_MAX, __NAME_MAX
 * -- may grow. Only they: every other value must be equal.
 */
static bool sentinel_grew(const char *ref_line, const char *ours_line)
{
	char name[128], inner[140];
	long long rv, ov;
	size_t n;

	if (sscanf(ref_line, "%127s %lld", name, &rv) != 2 ||
	    sscanf(ours_line, "%*s %lld", &ov) != 1 || ov <= rv)
		return false;
	n = strlen(name);
	snprintf(inner, sizeof(inner), "__%s", name);
	/* an enumerator "..._MAX", or a macro defined from "__..._MAX" */
	return (has(&enums, name) && n > 4 && strcmp(name + n - 4, "_MAX") == 0) ||
	       has(&enums, inner);
}

/* Run ours.bin and ref.bin; report every line of ref output ours lacks. */
static void compare_runs(const char *what)
{
	char *ours, *ref, *line, *save;

	assert_int_equal(sh("./ours.bin > ours.out && ./ref.bin > ref.out"), 0);
	ours = slurp(wpath("ours.out"));
	ref = slurp(wpath("ref.out"));
	for (line = strtok_r(ref, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[256], *sp, *p, *found = NULL;

		snprintf(key, sizeof(key), "%s", line);
		sp = strchr(key, ' ');
		if (sp)
			sp[1] = '\0';
		/* find ours's line with the same key (first word) */
		for (p = ours; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if (strncmp(p, key, strlen(key)) == 0) {
				found = p;
				break;
			}
		if (found == NULL)
			report("%s: %s -- missing in ours", what, line);
		else if (strncmp(found, line, strlen(line)) != 0 ||
			 (found[strlen(line)] != '\n' && found[strlen(line)] != '\0')) {
			char *nl = strchr(found, '\n');
			char ol[256];

			snprintf(ol, sizeof(ol), "%.*s", nl ? (int)(nl - found) : (int)strlen(found), found);
			if (sentinel_grew(line, ol)) {
				fprintf(stderr, "note: %s: reference \"%s\", ours \"%s\" (sentinel of a superset)\n",
					what, line, ol);
				continue;
			}
			report("%s: reference \"%s\", ours \"%.*s\"", what, line,
			       nl ? (int)(nl - found) : (int)strlen(found), found);
		}
	}
	free(ours);
	free(ref);
}

static void include_all(FILE *f)
{
	for (int i = 0; i < nheaders; i++)
		fprintf(f, "#include <libnetfilter_conntrack/%s>\n", headers[i]);
}

static void gen_constants(const char *path)
{
	FILE *f = fopen(path, "w");

	fprintf(f, "#include <stdio.h>\n");
	include_all(f);
	fprintf(f, "int main(void)\n{\n");
	for (int i = 0; i < enums.n; i++)
		if (*enums.v[i])
			fprintf(f, "\tprintf(\"%s %%lld\\n\", (long long)(%s));\n",
				enums.v[i], enums.v[i]);
	for (int i = 0; i < macros.n; i++)
		if (*macros.v[i])
			fprintf(f, "#ifdef %s\n\tprintf(\"%s %%lld\\n\", (long long)(%s));\n"
				"#else\n\tputs(\"%s undefined\");\n#endif\n",
				macros.v[i], macros.v[i], macros.v[i], macros.v[i]);
	for (int i = 0; i < empty_macros.n; i++)
		fprintf(f, "#ifdef %s\n\tputs(\"%s defined\");\n#else\n\tputs(\"%s undefined\");\n#endif\n",
			empty_macros.v[i], empty_macros.v[i], empty_macros.v[i]);
	fprintf(f, "\treturn 0;\n}\n");
	fclose(f);
}

static void test_constants(void **state)
{
	(void)state;
	differences = 0;
	if (build_both(CC, "constants.c", gen_constants, "-Wno-cpp"))
		compare_runs("constant");
	assert_int_equal(differences, 0);
}

static void gen_layouts(const char *path)
{
	FILE *f = fopen(path, "w");

	fprintf(f, "#include <stdio.h>\n#include <stddef.h>\n");
	include_all(f);
	fprintf(f, "int main(void)\n{\n");
	for (int i = 0; i < aggregates.n; i++) {
		const char *t = aggregates.v[i];
		char members[2048], *m, *save;

		if (*t == '\0')
			continue;
		/* keys are the tag alone: the output is compared by first word */
		fprintf(f, "\tprintf(\"%s/size %%zu align %%zu\\n\", sizeof(%s), _Alignof(%s));\n",
			strchr(t, ' ') + 1, t, t);
		snprintf(members, sizeof(members), "%s", aggregates.extra[i]);
		for (m = strtok_r(members, " ", &save); m; m = strtok_r(NULL, " ", &save))
			fprintf(f, "\tprintf(\"%s/%s offset %%zu size %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));\n",
				strchr(t, ' ') + 1, m, t, m, t, m);
	}
	fprintf(f, "\treturn 0;\n}\n");
	fclose(f);
}

static void test_layouts(void **state)
{
	(void)state;
	differences = 0;
	if (build_both(CC, "layouts.c", gen_layouts, "-Wno-cpp"))
		compare_runs("layout");
	assert_int_equal(differences, 0);
}

static void gen_typeids(const char *path)
{
	FILE *f = fopen(path, "w");

	fprintf(f, "#include <cstdio>\n#include <typeinfo>\n"
		   "#include <libnetfilter_conntrack/libnetfilter_conntrack.h>\n"
		   "int main()\n{\n");
	for (int i = 0; i < funcs.n; i++)
		if (*funcs.v[i])
			fprintf(f, "\tstd::printf(\"%s %%s\\n\", typeid(&%s).name());\n",
				funcs.v[i], funcs.v[i]);
	/* these come from libnfnetlink through libnetfilter_conntrack.h */
	for (int i = 0; i < macros.n; i++)
		if (strncmp(macros.v[i], "NFNL_SUBSYS_", 12) == 0)
			fprintf(f, "\tstd::printf(\"%s %%lld\\n\", (long long)(%s));\n",
				macros.v[i], macros.v[i]);
	fprintf(f, "\treturn 0;\n}\n");
	fclose(f);
}

/* C++: every function's type, through libnetfilter_conntrack.h alone. */
static void test_prototypes_cxx(void **state)
{
	(void)state;
	differences = 0;
	if (build_both(CXX, "typeids.cc", gen_typeids, ""))
		compare_runs("C++ type");
	assert_int_equal(differences, 0);
}

/* C: redeclare every reference prototype after our header. */
static void test_prototypes_c(void **state)
{
	FILE *f = fopen(wpath("protos.c"), "w");
	char *err, *p;

	(void)state;
	differences = 0;
	include_all(f);
	for (int i = 0; i < funcs.n; i++)
		fprintf(f, "%s\n", funcs.extra[i]);
	fclose(f);
	if (sh("%s -fsyntax-only -fmax-errors=0 -Wno-cpp -I%s protos.c > protos.err 2>&1",
	       CC, our_incdir()) != 0) {
		err = slurp(wpath("protos.err"));
		for (p = err; (p = strstr(p, "error: ")); p++) {
			char *nl = strchr(p, '\n');

			report("prototype: %.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
		}
		if (differences == 0)
			report("protos.c does not compile:\n%s", err);
		free(err);
	}
	assert_int_equal(differences, 0);
}

/* Each header alone, as C99 and as C++, warning-free. */
static void test_standalone(void **state)
{
	static const char *const modes[][2] = {
		{ CC, "-x c -std=c99 -Wall -Wextra -Werror -Wno-cpp" },
		{ CXX, "-x c++ -Wall -Wextra -Werror -Wno-cpp" },
	};

	(void)state;
	differences = 0;
	for (int i = 0; i < nheaders; i++) {
		for (int m = 0; m < 2; m++) {
			char src[256];

			snprintf(src, sizeof(src), "#include <libnetfilter_conntrack/%s>\n"
				 "int main(void) { return 0; }\n", headers[i]);
			put(wpath("alone.c"), src);
			if (sh("%s -fsyntax-only %s -I%s alone.c > alone.err 2>&1",
			       modes[m][0], modes[m][1], our_incdir()) != 0) {
				char *err = slurp(wpath("alone.err"));

				report("%s alone (%s): %s", headers[i], modes[m][1], err);
				free(err);
			}
		}
	}
	assert_int_equal(differences, 0);
}

/* ---- the shared objects ---------------------------------------------- */

static bool pending(const char *name)
{
	for (size_t i = 0; i < sizeof(pending_exports) / sizeof(pending_exports[0]); i++) {
		const char *p = pending_exports[i];
		size_t n;

		if (p == NULL)
			continue;
		n = strlen(p);

		if (p[n - 1] == '*' ? strncmp(name, p, n - 1) == 0 : strcmp(name, p) == 0)
			return true;
	}
	return false;
}

static void read_exports(const char *lib, const char *out, struct names *s)
{
	char line[512], *text, *l, *save;

	snprintf(line, sizeof(line), "nm -D --defined-only %s | awk '{print $3}' | sed 's/@.*//' | sort -u > %s",
		 lib, out);
	assert_int_equal(sh("%s", line), 0);
	text = slurp(wpath(out));
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		add(s, l, NULL);
	free(text);
}

static void test_exports(void **state)
{
	static struct names ours, ref;
	char *a, *b;
	int npending = 0;

	(void)state;
	differences = 0;
	assert_int_equal(sh("readelf -d %s/libnetfilter_conntrack.so.3 | grep SONAME > ref.soname && "
			    "readelf -d %s/libnetfilter_conntrack.so.3 | grep SONAME > ours.soname",
			    REF_LIBDIR, OUR_LIBDIR), 0);
	a = slurp(wpath("ref.soname"));
	b = slurp(wpath("ours.soname"));
	if (strcmp(strchr(a, '['), strchr(b, '[')) != 0)
		report("SONAME: reference %s ours %s", strchr(a, '['), strchr(b, '['));
	free(a);
	free(b);
	read_exports(REF_LIBDIR "/libnetfilter_conntrack.so.3", "ref.syms", &ref);
	read_exports(OUR_LIBDIR "/libnetfilter_conntrack.so.3", "ours.syms", &ours);
	for (int i = 0; i < ref.n; i++) {
		const char *n = ref.v[i];

		if (strncmp(n, "nfct_", 5) != 0 && strncmp(n, "nfexp_", 6) != 0)
			continue;
		if (has(&ours, n))
			continue;
		if (pending(n))
			npending++;
		else
			report("export %s: missing in ours", n);
	}
	for (int i = 0; i < ours.n; i++) {
		const char *n = ours.v[i];

		if (strncmp(n, "nfct_", 5) != 0 && strncmp(n, "nfexp_", 6) != 0)
			report("export %s: ours exports a name outside nfct_*/nfexp_*", n);
	}
	if (npending)
		fprintf(stderr, "note: %d reference exports not yet in ours, known pending\n",
			npending);
	assert_int_equal(differences, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_prototypes_c),
		cmocka_unit_test(test_prototypes_cxx),
		cmocka_unit_test(test_standalone),
		cmocka_unit_test(test_exports),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
