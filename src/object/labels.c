/*
 * Connection label names: the connlabel.conf map between label bits and
 * names, as iptables' connlabel match and conntrack -l use it.
 *
 * File format, as the original library reads it: the file is read in
 * chunks of at most 1023 bytes, each ending at a newline (so an overlong
 * line continues as a new "line"). A line is "<bit> <name>": the bit is a
 * number in strtoul() base-0 syntax (decimal, 0x.., 0..), 0 to 1023, and
 * the name is the rest of the line after any whitespace, trailing
 * whitespace removed; it must be non-empty and made of ASCII letters,
 * digits, '-' and ' ' only. Lines that do not fit, and lines whose bit or
 * name is already taken, are skipped silently (first one wins): that is
 * how comments and blank lines go too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "object.h"

/* Default map location, as in iptables' connlabel match. */
#define CONNLABEL_PATH	"/etc/xtables/connlabel.conf"

/* Highest bit a map may name; the kernel itself has 128 label bits. */
#define LABEL_BIT_MAX	1023

/* Same chunk size as the original, so long lines split identically. */
#define LINE_MAX_BYTES	1024

struct nfct_labelmap {
	unsigned int size;		/* highest named bit + 1 */
	char *names[LABEL_BIT_MAX + 1];	/* NULL: unnamed */
};

/**
 * nfct_labels_get_path - path of the default connlabel.conf
 *
 * Returns the file nfct_labelmap_new(NULL) reads, a static string.
 */
NFCT_EXPORT const char *nfct_labels_get_path(void)
{
	return CONNLABEL_PATH;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == ' ';
}

/* Whitespace as isspace() in the C locale; locale-independent on purpose. */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Split one line into bit and name, in place. Returns the name, or NULL
 * if the line is not a valid "<bit> <name>" entry.
 */
static char *parse_line(char *line, unsigned int *bit)
{
	unsigned long val;
	char *name, *end;

	/* out of range gives ULONG_MAX: no need to look at errno */
	val = strtoul(line, &name, 0);
	if (name == line || val > LABEL_BIT_MAX)
		return NULL;
	while (is_space(*name))
		name++;
	end = name + strlen(name);
	while (end > name && is_space(end[-1]))
		end--;
	*end = '\0';
	if (*name == '\0')
		return NULL;
	for (const char *p = name; *p; p++)
		if (!name_char_ok(*p))
			return NULL;
	*bit = val;
	return name;
}

static bool name_taken(const struct nfct_labelmap *m, const char *name)
{
	for (unsigned int i = 0; i < m->size; i++)
		if (m->names[i] && strcmp(m->names[i], name) == 0)
			return true;
	return false;
}

/* Add one line's entry; 0 if added or skipped, -1 on allocation failure. */
static int add_line(struct nfct_labelmap *m, char *line)
{
	unsigned int bit;
	char *name = parse_line(line, &bit);

	if (name == NULL || m->names[bit] || name_taken(m, name))
		return 0;
	m->names[bit] = strdup(name);
	if (m->names[bit] == NULL)
		return -1;
	if (bit >= m->size)
		m->size = bit + 1;
	return 0;
}

static int read_map(struct nfct_labelmap *m, FILE *f)
{
	char line[LINE_MAX_BYTES];

	while (fgets(line, sizeof(line), f))
		if (add_line(m, line) < 0)
			return -1;
	if (ferror(f))
		return -1;	/* e.g. EISDIR: report it, not an empty map */
	return 0;
}

/**
 * nfct_labelmap_new - load a connlabel.conf label map
 * @mapfile: path of the file, or NULL for nfct_labels_get_path()
 *
 * Returns the map, to release with nfct_labelmap_destroy(), or NULL:
 * errno is set by the failing open or read (ENOENT, EACCES, EISDIR...),
 * ENOMEM, or 0 when the file was read but names no valid label, as the
 * original library does.
 */
NFCT_EXPORT struct nfct_labelmap *nfct_labelmap_new(const char *mapfile)
{
	struct nfct_labelmap *m;
	FILE *f;
	int ret;

	if (mapfile == NULL)
		mapfile = CONNLABEL_PATH;
	f = fopen(mapfile, "re");
	if (f == NULL)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		fclose(f);
		return NULL;
	}
	ret = read_map(m, f);
	fclose(f);
	if (ret < 0 || m->size == 0) {
		int err = ret < 0 ? errno : 0;

		nfct_labelmap_destroy(m);
		errno = err;
		return NULL;
	}
	return m;
}

/**
 * nfct_labelmap_destroy - release a label map
 * @map: map from nfct_labelmap_new(); NULL is ignored
 */
NFCT_EXPORT void nfct_labelmap_destroy(struct nfct_labelmap *map)
{
	if (map == NULL)
		return;
	for (unsigned int i = 0; i < map->size; i++)
		free(map->names[i]);
	free(map);
}

/**
 * nfct_labelmap_get_name - name of a label bit
 * @m: the map
 * @bit: label bit number
 *
 * Returns the name, owned by the map; "" for an unnamed bit below the
 * highest named one; NULL beyond it, or with errno EINVAL if @m is NULL.
 */
NFCT_EXPORT const char *nfct_labelmap_get_name(struct nfct_labelmap *m,
					       unsigned int bit)
{
	if (m == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (bit >= m->size)
		return NULL;
	return m->names[bit] ? m->names[bit] : "";
}

/**
 * nfct_labelmap_get_bit - bit number of a label name
 * @m: the map
 * @name: the label name, matched exactly (case-sensitive)
 *
 * Returns the bit, or -1 if no label has that name, or -1 with errno
 * EINVAL if @m or @name is NULL.
 */
NFCT_EXPORT int nfct_labelmap_get_bit(struct nfct_labelmap *m,
				      const char *name)
{
	if (m == NULL || name == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned int i = 0; i < m->size; i++)
		if (m->names[i] && strcmp(m->names[i], name) == 0)
			return i;
	return -1;
}
