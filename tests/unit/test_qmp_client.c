/* proto/qmp_client.c over a socket pair: the handshake, a reply among events, QEMU's errors, and
 * a QEMU that greets and then hangs (a clear timeout, the socket closed, nothing leaked). */
#include "helpers.h"

#include "proto/qmp_client.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

struct peer {
    int fd;
    const char *script[8]; /* lines sent in turn, one after each line read ("" sends nothing) */
};

/* A fake QEMU on the other end: greets, then answers each command with its next line. */
static void *peer_main(void *arg)
{
    struct peer *p = arg;
    const char *greeting = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n";
    if (write(p->fd, greeting, strlen(greeting)) < 0)
        return NULL;
    char buf[4096];
    for (size_t i = 0; p->script[i]; i++) {
        size_t len = 0;
        while (len < sizeof buf - 1) { /* one command line */
            ssize_t n = read(p->fd, buf + len, 1);
            if (n <= 0)
                return NULL;
            if (buf[len++] == '\n')
                break;
        }
        if (*p->script[i] && write(p->fd, p->script[i], strlen(p->script[i])) < 0)
            return NULL;
    }
    return NULL;
}

static void start(struct ent_qmp *q, struct peer *p, pthread_t *t, double timeout, int *rc,
                  struct ent_error *err)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    p->fd = sv[1];
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    assert_int_equal(pthread_create(t, NULL, peer_main, p), 0);
    *rc = ent_qmp_start(q, sv[0], "qmp test", timeout, err);
}

static void test_reply_among_events_and_errors(void **state)
{
    (void)state;
    struct peer p = {.script = {"{\"return\": {}}\n",
                                "{\"event\": \"STOP\"}\n{\"return\": {\"status\": \"running\"}}\n",
                                "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no such "
                                "device\"}}\n",
                                NULL}};
    struct ent_qmp q;
    pthread_t t;
    struct ent_error err;
    ent_error_init(&err);
    int rc;
    start(&q, &p, &t, 5, &rc, &err);
    assert_int_equal(rc, 0);
    json_t *ret = NULL;
    assert_int_equal(ent_qmp_call(&q, "query-status", NULL, &ret, &err), 0);
    assert_string_equal(json_string_value(json_object_get(ret, "status")), "running");
    json_decref(ret);
    assert_int_equal(ent_qmp_call(&q, "device_del", NULL, NULL, &err), ENT_EDRIVER);
    assert_non_null(strstr(err.msg, "no such device"));
    ent_qmp_close(&q);
    pthread_join(t, NULL);
    close(p.fd);
}

static void test_greets_then_hangs(void **state)
{
    (void)state;
    /* Answers the capabilities negotiation, then never answers again. */
    struct peer p = {.script = {"{\"return\": {}}\n", "", NULL}};
    struct ent_qmp q;
    pthread_t t;
    struct ent_error err;
    ent_error_init(&err);
    int rc;
    start(&q, &p, &t, 0.3, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(ent_qmp_call(&q, "query-status", NULL, NULL, &err), ENT_ETIMEOUT);
    assert_non_null(strstr(err.msg, "no answer within"));
    ent_qmp_close(&q);
    assert_int_equal(q.fd, -1);
    pthread_join(t, NULL);
    close(p.fd);
}

static void test_not_qemu(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    const char *junk = "HTTP/1.0 200 OK\n";
    assert_int_equal(write(sv[1], junk, strlen(junk)), (ssize_t)strlen(junk));
    close(sv[1]);
    struct ent_qmp q;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_qmp_start(&q, sv[0], "qmp test", 1, &err), ENT_EPARSE);
    assert_int_equal(q.fd, -1); /* closed on failure */
    char status[32];
    assert_int_not_equal(ent_qmp_status("/nonexistent/qmp.sock", 1, status, sizeof status, &err),
                         0);
    assert_non_null(strstr(err.msg, "/nonexistent/qmp.sock"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_among_events_and_errors),
        cmocka_unit_test(test_greets_then_hangs),
        cmocka_unit_test(test_not_qemu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
