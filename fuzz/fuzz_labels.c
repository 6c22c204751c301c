/*
 * The connlabel.conf parser: the input is the file. Every name found
 * must map back to its bit.
 */
#include "fuzz_common.h"
#include <unistd.h>
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfct_labelmap *m;
	char path[64];
	int fd, bit;

	fd = memfd_create("connlabel", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	m = nfct_labelmap_new(path);
	close(fd);
	if (m == NULL)
		return 0;
	for (bit = 0; bit < 1100; bit++) {
		const char *name = nfct_labelmap_get_name(m, bit);

		/* unnamed bits below the highest get "", as in the reference */
		if (name == NULL || name[0] == '\0')
			continue;
		if (nfct_labelmap_get_bit(m, name) != bit)
			fuzz_abort("name does not map back", bit,
				   nfct_labelmap_get_bit(m, name));
	}
	nfct_labelmap_get_bit(m, "");
	nfct_labelmap_destroy(m);
	return 0;
}
