/* The event ring: events in order with their numbers, a reader that fell behind told what it
 * missed, a wait that times out, a closed ring ending its readers (one on another thread). */
#include "helpers.h"

#include "util/event_ring.h"
#include "util/str.h"

#include <pthread.h>
#include <stdio.h>

static void test_order_cursor_and_missed(void **state)
{
    (void)state;
    struct ent_event_ring r;
    ent_event_ring_init(&r);
    uint64_t cursor = ent_event_ring_now(&r);
    struct ent_str out = {0};
    assert_int_equal(ent_event_ring_wait(&r, &cursor, 0.05, &out), 0); /* nothing yet */
    ent_event_ring_publish(&r, "{\"a\":1}");
    ent_event_ring_publish(&r, "{\"a\":2}");
    assert_int_equal(ent_event_ring_wait(&r, &cursor, 1, &out), 2);
    assert_string_equal(ent_str_cstr(&out), "id: 0\ndata: {\"a\":1}\n\nid: 1\ndata: {\"a\":2}\n\n");
    assert_int_equal(cursor, 2);
    for (int i = 0; i < ENT_EVENT_RING_SIZE + 10; i++) {
        char text[32];
        snprintf(text, sizeof text, "%d", i);
        ent_event_ring_publish(&r, text);
    }
    ent_str_release(&out);
    memset(&out, 0, sizeof out);
    assert_int_equal(ent_event_ring_wait(&r, &cursor, 1, &out), ENT_EVENT_RING_SIZE);
    assert_non_null(strstr(ent_str_cstr(&out), "event: skipped\ndata: {\"missed\": 10}"));
    assert_int_equal(cursor, ENT_EVENT_RING_SIZE + 12);
    ent_str_release(&out);
    ent_event_ring_release(&r);
}

static void *waiter(void *arg)
{
    struct ent_event_ring *r = arg;
    uint64_t cursor = ent_event_ring_now(r);
    struct ent_str out = {0};
    intptr_t n = ent_event_ring_wait(r, &cursor, 30, &out);
    ent_str_release(&out);
    return (void *)n;
}

static void test_close_ends_a_waiting_reader(void **state)
{
    (void)state;
    struct ent_event_ring r;
    ent_event_ring_init(&r);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, waiter, &r), 0);
    ent_event_ring_close(&r);
    void *n;
    pthread_join(t, &n);
    assert_int_equal((intptr_t)n, -1);
    ent_event_ring_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_cursor_and_missed),
        cmocka_unit_test(test_close_ends_a_waiting_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
