/*
 * utils/ext_json_events, the JSON event watcher, in a private network
 * namespace on our library (it uses the extensions): entries created
 * here must come out as JSON lines that the strict checker
 * (tests/ext/json_check.py, against doc/json-schema.json) and jq accept,
 * and an overrun of its socket buffer (ENOBUFS) must be noted and
 * survived. The test waits for the watcher's lines, never for time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "nfct_test.h"

#define WATCHER UTILS_DIR "/ext_json_events"
#define SCHEMA TEST_SOURCE_DIR "/../doc/json-schema.json"
#define CHECKER TEST_SOURCE_DIR "/ext/json_check.py"

struct watcher {
	pid_t pid;
	FILE *out;	/* its stdout: JSON lines */
	FILE *err;	/* its stderr: "listening", loss notes */
};

static void watcher_start(struct watcher *w, const char *rcvbuf)
{
	int o[2], e[2];
	char line[256];

	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	w->pid = fork();
	assert_true(w->pid >= 0);
	if (w->pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		setenv("LD_LIBRARY_PATH", oracle_libdir(ORACLE_OURS), 1);
		execl(WATCHER, "ext_json_events", "-t", "60", "-b", rcvbuf,
		      (char *)NULL);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	w->out = fdopen(o[0], "r");
	w->err = fdopen(e[0], "r");
	assert_non_null(w->out);
	assert_non_null(w->err);
	/* only once it is subscribed can events not be missed */
	if (fgets(line, sizeof(line), w->err) == NULL ||
	    strcmp(line, "listening\n") != 0)
		fail_msg("ext_json_events did not start listening");
}

/* Read JSON lines into @log until one holds @what; returns that line. */
static char *wait_line(struct watcher *w, FILE *log, const char *what)
{
	static char line[4096];

	while (fgets(line, sizeof(line), w->out) != NULL) {
		fputs(line, log);
		if (strstr(line, what))
			return line;
	}
	fail_msg("ext_json_events ended before printing \"%s\"", what);
	return NULL;
}

/* SIGTERM it and return what it said on stderr after "listening". */
static char *watcher_stop(struct watcher *w)
{
	static char err[8192];
	size_t n;
	int st;

	assert_int_equal(kill(w->pid, SIGTERM), 0);
	n = fread(err, 1, sizeof(err) - 1, w->err);
	err[n] = '\0';
	assert_int_equal(waitpid(w->pid, &st, 0), w->pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("ext_json_events failed (status 0x%x):\n%s", st, err);
	fclose(w->out);
	fclose(w->err);
	return err;
}

static void entry(struct nf_conntrack *ct, const char *src, uint16_t sport)
{
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, inet_addr(src));
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, inet_addr("2.2.2.2"));
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(sport));
	nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(80));
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, inet_addr("2.2.2.2"));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, inet_addr(src));
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sport));
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3 /* ESTABLISHED */);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 100);
}

static void query(struct nfct_handle *h, enum nf_conntrack_query q,
		  const char *src, uint16_t sport, uint32_t mark)
{
	struct nf_conntrack *ct = nfct_new();

	entry(ct, src, sport);
	if (mark)
		nfct_set_attr_u32(ct, ATTR_MARK, mark);
	if (nfct_query(h, q, ct) != 0)
		fail_msg("query %d on %s:%u: %s", q, src, sport, strerror(errno));
	nfct_destroy(ct);
}

/* The lines in @path pass the strict checker and a jq program. */
static void judge(const char *path, const char *jq_prog)
{
	char *py[] = { "/usr/bin/env", "python3", CHECKER, SCHEMA,
		       (char *)path, NULL };
	char *jq[] = { "/usr/bin/jq", "-e", "-s", (char *)jq_prog,
		       (char *)path, NULL };
	struct oracle_out o;

	assert_int_equal(oracle_run(ORACLE_OURS, py, NULL, &o), 0);
	if (o.status != 0)
		fail_msg("json_check.py:\n%s%s", o.out, o.err);
	oracle_free(&o);
	assert_int_equal(oracle_run(ORACLE_OURS, jq, NULL, &o), 0);
	if (o.status != 0)
		fail_msg("jq -e '%s': status %d\n%s%s", jq_prog, o.status,
			 o.out, o.err);
	oracle_free(&o);
}

static FILE *temp_log(char *path)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	return fdopen(fd, "w");
}

/* new, update, destroy of one entry: three JSON lines saying so */
static void test_json_watcher_events(void **state)
{
	char path[] = "/tmp/nfct-jsonw-XXXXXX";
	struct nfct_handle *h;
	struct watcher w;
	FILE *log;

	(void)state;
	test_netns_enter();
	watcher_start(&w, "0");
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	log = temp_log(path);

	query(h, NFCT_Q_CREATE, "1.1.1.1", 20, 0);
	wait_line(&w, log, "\"event\":\"new\"");
	query(h, NFCT_Q_UPDATE, "1.1.1.1", 20, 7);
	wait_line(&w, log, "\"mark\":7");
	query(h, NFCT_Q_DESTROY, "1.1.1.1", 20, 0);
	wait_line(&w, log, "\"event\":\"destroy\"");
	assert_int_equal(fclose(log), 0);
	if (strstr(watcher_stop(&w), "lost") != NULL)
		fail_msg("events lost with nothing to lose");
	nfct_close(h);

	judge(path, "length == 3 and "
		    "(map(.event) == [\"new\", \"update\", \"destroy\"]) and "
		    "all(.[]; .kind == \"conntrack\" and .proto == \"tcp\" and "
		    ".orig.src == \"1.1.1.1\" and .orig.sport == 20 and "
		    ".reply.dport == 20) and .[1].mark == 7");
	unlink(path);
}

/*
 * A stopped watcher with a tiny socket buffer misses most of a burst of
 * events (the kernel drops them, its next read fails with ENOBUFS); it
 * must say so on stderr and still print what comes after.
 */
static void test_json_watcher_survives_enobufs(void **state)
{
	char path[] = "/tmp/nfct-jsonw-XXXXXX";
	struct nfct_handle *h;
	struct watcher w;
	char src[16], line[4096];
	FILE *log;
	int st;

	(void)state;
	test_netns_enter();
	watcher_start(&w, "1");	/* the kernel rounds it up to its minimum */
	h = nfct_open(CONNTRACK, 0);
	assert_non_null(h);
	log = temp_log(path);

	assert_int_equal(kill(w.pid, SIGSTOP), 0);
	assert_int_equal(waitpid(w.pid, &st, WUNTRACED), w.pid);
	assert_true(WIFSTOPPED(st));
	for (int i = 0; i < 400; i++) {
		snprintf(src, sizeof(src), "10.0.%d.%d", i / 250, i % 250 + 1);
		query(h, NFCT_Q_CREATE, src, 1000, 0);
	}
	assert_int_equal(kill(w.pid, SIGCONT), 0);
	/* the overrun is reported before the events still queued */
	if (fgets(line, sizeof(line), w.err) == NULL ||
	    strstr(line, "events lost") == NULL)
		fail_msg("ext_json_events did not note the lost events");
	/*
	 * After the loss, new events still come through. A marker entry is
	 * created after each line the watcher prints: each print frees a
	 * slot in its socket buffer first, so the queue never grows and a
	 * marker soon fits -- the wait is for lines, never for time.
	 */
	for (int i = 0;; i++) {
		query(h, NFCT_Q_CREATE, "9.9.9.9", 10000 + i, 0);
		if (fgets(line, sizeof(line), w.out) == NULL)
			fail_msg("ext_json_events ended after the overrun");
		fputs(line, log);
		if (strstr(line, "\"src\":\"9.9.9.9\""))
			break;
	}
	assert_int_equal(fclose(log), 0);
	watcher_stop(&w);
	nfct_close(h);

	/* fewer lines than entries, each whole and valid */
	judge(path, "length < 400 and .[-1].orig.src == \"9.9.9.9\" and "
		    "all(.[]; .event == \"new\")");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_watcher_events),
		cmocka_unit_test(test_json_watcher_survives_enobufs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
