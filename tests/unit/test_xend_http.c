/* proto/xend_http.c's URL handling through libcurl's URL API: the host a peer is told (the
 * xend driver's migrate form names the destination by it) never carries user or password, an
 * IPv6 address loses its brackets; a URL shown in messages never carries the password. */
#include "helpers.h"

#include "proto/xend_http.h"
#include "util/alloc.h"

#include <stdlib.h>

static void check_host(const char *url, const char *want)
{
    char *host = ent_url_host(url);
    if (!want)
        assert_null(host);
    else
        assert_string_equal(host, want);
    ent_free(host);
}

static void test_the_host_a_peer_is_told(void **state)
{
    (void)state;
    check_host("http://hv2:8000", "hv2");
    check_host("http://admin:pw@hv2:8000", "hv2"); /* was "admin" */
    check_host("http://admin@10.0.0.2:8000/", "10.0.0.2");
    check_host("http://[::1]:8000", "::1");
    check_host("http://admin:pw@[fe80::1]:8000", "fe80::1");
    check_host("http://hv2", "hv2");
    check_host("not a url at all", NULL);
}

static void test_urls_shown_without_the_password(void **state)
{
    (void)state;
    char *shown = ent_url_without_password("http://admin:s3cret@hv2:8000/xend/node");
    assert_string_equal(shown, "http://admin@hv2:8000/xend/node");
    ent_free(shown);
    shown = ent_url_without_password("http://[::1]:8000");
    assert_string_equal(shown, "http://[::1]:8000/");
    ent_free(shown);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_host_a_peer_is_told),
        cmocka_unit_test(test_urls_shown_without_the_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
