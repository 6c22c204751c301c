/*
 * Thread-safety promise, checked under ThreadSanitizer (this program is
 * built with -fsanitize=thread together with the library's sources):
 * several threads, each with its own handle, create, get, dump and
 * delete entries of one kernel table in one namespace at the same time,
 * while all of them read one shared object (clone, compare, print,
 * build). Handles are used by one thread at a time; objects may be
 * shared read-only. TSan reports any data race as a failure.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "nfct_test.h"
#include "robust_util.h"

#define THREADS 4
#define PER_THREAD 500

static struct nf_conntrack *shared;	/* read-only while threads run */

struct worker {
	pthread_t t;
	int id;
	long dumped;
	int errors;
};

static int dump_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
		   void *data)
{
	struct worker *w = data;
	char buf[512];

	nfct_snprintf(buf, sizeof(buf), ct, type, NFCT_O_PLAIN, 0);
	w->dumped++;
	return NFCT_CB_CONTINUE;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct = nfct_new();
	char buf[1024] __attribute__((aligned(8)));
	uint8_t fam = AF_INET;
	int i;

	if (h == NULL || ct == NULL) {
		w->errors++;
		return NULL;
	}
	nfct_callback_register(h, NFCT_T_ALL, dump_cb, w);
	for (i = 0; i < PER_THREAD; i++) {
		struct nf_conntrack *c = nfct_clone(shared);

		robust_entry(ct, w->id * 100000 + i);
		if (nfct_query(h, NFCT_Q_CREATE, ct) < 0)
			w->errors++;
		if (nfct_query(h, NFCT_Q_GET, ct) < 0)
			w->errors++;
		/* read-only use of the shared object */
		if (c == NULL || nfct_cmp(c, shared, NFCT_CMP_ALL) != 1)
			w->errors++;
		nfct_destroy(c);
		nfct_snprintf(buf, sizeof(buf), shared, NFCT_T_NEW, NFCT_O_XML, 0);
		if (i % 100 == 0 && nfct_query(h, NFCT_Q_DUMP, &fam) < 0)
			w->errors++;
	}
	for (i = 0; i < PER_THREAD; i++) {
		robust_entry(ct, w->id * 100000 + i);
		if (nfct_query(h, NFCT_Q_DESTROY, ct) < 0)
			w->errors++;
	}
	nfct_destroy(ct);
	nfct_close(h);
	return NULL;
}

static void test_threads(void **state)
{
	struct worker w[THREADS];
	int i;

	(void)state;
	test_netns_enter();
	shared = nfct_new();
	assert_non_null(shared);
	robust_entry(shared, 12345);
	nfct_set_attr(shared, ATTR_HELPER_NAME, "ftp");
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .id = i + 1 };
		assert_int_equal(pthread_create(&w[i].t, NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(w[i].t, NULL);
		printf("thread %d: %d errors, %ld entries seen in dumps\n",
		       w[i].id, w[i].errors, w[i].dumped);
		assert_int_equal(w[i].errors, 0);
		assert_true(w[i].dumped > 0);
	}
	assert_int_equal(robust_count(), 0);
	nfct_destroy(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_threads) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
