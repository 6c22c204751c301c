/*
 * The receive path behind nfct_catch()/nfct_query(): arbitrary
 * datagram streams (multipart dumps, NLMSG_ERROR, NLMSG_DONE with or
 * without NLM_F_DUMP_INTR, truncated headers, bad attributes) handed to
 * the dispatcher of a real handle, with callbacks whose verdicts the
 * input chooses.
 *
 * Input: byte 0 = mode (bit 0: wait for a reply with sequence number 1
 * as nfct_query does, else catch events; bits 1-2: conntrack callback
 * verdict; bits 3-4: expectation callback verdict; bit 5: register2
 * flavour; bit 6: no callbacks), then datagrams, each a 16-bit
 * little-endian length and that many bytes.
 */
#include "fuzz_common.h"
#include "io.h"

static struct nfct_handle *h;
static int ct_verdict, exp_verdict;
static struct nf_conntrack *stolen;

static const int verdicts[] = {
	NFCT_CB_CONTINUE, NFCT_CB_STOP, NFCT_CB_STOLEN, NFCT_CB_FAILURE,
};

static int ct_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		 void *data)
{
	char buf[1024];

	(void)data;
	nfct_snprintf(buf, sizeof(buf), ct, type, NFCT_O_PLAIN, NFCT_OF_SHOW_LAYER3);
	if (ct_verdict == NFCT_CB_STOLEN) {
		nfct_destroy(stolen);
		stolen = ct;
	}
	return ct_verdict;
}

static int ct_cb2(const struct nlmsghdr *nlh, enum nf_conntrack_msg_type type,
		  struct nf_conntrack *ct, void *data)
{
	(void)nlh;
	return ct_cb(type, ct, data);
}

static int exp_cb(enum nf_conntrack_msg_type type, struct nf_expect *exp,
		  void *data)
{
	char buf[1024];

	(void)data;
	nfexp_snprintf(buf, sizeof(buf), exp, type, NFCT_O_XML, 0);
	if (exp_verdict == NFCT_CB_STOLEN)
		nfexp_destroy(exp);
	return exp_verdict;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	h = fuzz_handle();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int mode;
	size_t off = 1;

	if (size < 1)
		return 0;
	mode = data[0];
	ct_verdict = verdicts[(mode >> 1) & 3];
	exp_verdict = verdicts[(mode >> 3) & 3];
	nfct_callback_unregister(h);
	nfct_callback_unregister2(h);
	nfexp_callback_unregister(h);
	nfexp_callback_unregister2(h);
	if (!(mode & 0x40)) {
		if (mode & 0x20)
			nfct_callback_register2(h, NFCT_T_ALL, ct_cb2, NULL);
		else
			nfct_callback_register(h, NFCT_T_ALL, ct_cb, NULL);
		nfexp_callback_register(h, NFCT_T_ALL, exp_cb, NULL);
	}
	h->stale_seq = 0;
	h->dump_intr = false;
	while (off + 2 <= size) {
		size_t len = data[off] | data[off + 1] << 8;
		void *dgram;
		int ret;

		off += 2;
		if (len > size - off)
			len = size - off;
		/* exact-size block: ASan catches any read past the datagram */
		dgram = malloc(len ? len : 1);
		if (dgram == NULL)
			break;
		memcpy(dgram, data + off, len);
		off += len;
		ret = handle_process(h, dgram, len, mode & 1);
		free(dgram);
		if (ret != 1)
			break;
	}
	nfct_destroy(stolen);
	stolen = NULL;
	return 0;
}
