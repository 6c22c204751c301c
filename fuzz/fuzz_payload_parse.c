/*
 * nfct_payload_parse() on arbitrary attributes: the first input byte
 * picks the family, the rest is the payload. Parses into a pre-filled
 * object too, since programs reuse objects.
 */
#include "fuzz_common.h"
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t fams[] = { AF_INET, AF_INET6, AF_UNSPEC, 7 };
	struct nf_conntrack *ct;
	void *payload;

	if (size < 1)
		return 0;
	payload = malloc(size - 1 ? size - 1 : 1);
	if (payload == NULL)
		return 0;
	memcpy(payload, data + 1, size - 1);
	ct = nfct_new();
	if (ct) {
		nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
		nfct_set_attr_u8(ct, ATTR_L4PROTO, 6);
		if (nfct_payload_parse(payload, size - 1, fams[data[0] & 3], ct) == 0)
			fuzz_print_all(print_ct, ct);
		/* a second parse over the same object must free what it replaces */
		nfct_payload_parse(payload, size - 1, fams[(data[0] >> 2) & 3], ct);
	}
	nfct_destroy(ct);
	free(payload);
	return 0;
}
