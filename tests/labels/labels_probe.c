/*
 * Probe for the differential label tests: loads a connlabel.conf with
 * nfct_labelmap_new() and prints everything the public API reveals about
 * the map, so that two runs (ours, reference) can be compared verbatim.
 *
 * usage: labels_probe MAPFILE|- [NAME...]
 *   "-" loads the default map (NULL path). Every whitespace separated
 *   token of MAPFILE and every NAME is looked up with get_bit.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

static void show_name(struct nfct_labelmap *m, unsigned int bit)
{
	const char *n = nfct_labelmap_get_name(m, bit);

	if (n == NULL)
		printf("name(%u)=NULL\n", bit);
	else
		printf("name(%u)=\"%s\"\n", bit, n);
}

static void show_bit(struct nfct_labelmap *m, const char *name)
{
	printf("bit(\"%s\")=%d\n", name, nfct_labelmap_get_bit(m, name));
}

/* Look up every token of the file, each line and each line's suffixes. */
static void lookup_tokens(struct nfct_labelmap *m, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *save, *tok;

		line[strcspn(line, "\n")] = '\0';
		for (size_t i = 0; line[i]; i++)
			show_bit(m, line + i);
		for (tok = strtok_r(line, " \t\r\v\f", &save); tok;
		     tok = strtok_r(NULL, " \t\r\v\f", &save))
			show_bit(m, tok);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *path;
	struct nfct_labelmap *m;
	unsigned int bit;

	if (argc < 2) {
		fprintf(stderr, "usage: %s MAPFILE|- [NAME...]\n", argv[0]);
		return 2;
	}
	printf("path=%s\n", nfct_labels_get_path());
	path = strcmp(argv[1], "-") == 0 ? NULL : argv[1];
	errno = EBADF;	/* to see whether the call sets or keeps errno */
	m = nfct_labelmap_new(path);
	if (m == NULL) {
		printf("new: NULL errno=%s\n", strerror(errno));
		return 0;
	}
	printf("new: ok errno=%s\n", strerror(errno));
	for (bit = 0; bit < 1100; bit++) {
		show_name(m, bit);
		/* every name must map back to its bit */
		if (nfct_labelmap_get_name(m, bit))
			show_bit(m, nfct_labelmap_get_name(m, bit));
	}
	show_name(m, UINT_MAX);
	show_name(m, INT_MAX + 1u);
	if (path)
		lookup_tokens(m, path);
	for (int i = 2; i < argc; i++)
		show_bit(m, argv[i]);
	show_bit(m, "");
	nfct_labelmap_destroy(m);
	return 0;
}
