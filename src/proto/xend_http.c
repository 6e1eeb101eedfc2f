/* xend's HTTP interface through libcurl. */
#include "proto/xend_http.h"

#include "proto/sxp.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_ANSWER (16u << 20)

struct answer {
    char *buf;
    size_t len, cap;
    int too_big;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct answer *a = arg;
    size_t more = size * n;
    if (a->len + more > MAX_ANSWER) {
        a->too_big = 1;
        return 0;
    }
    if (a->len + more + 1 > a->cap) {
        a->cap = (a->len + more + 1) * 2;
        a->buf = ent_reallocarray(a->buf, a->cap, 1);
    }
    memcpy(a->buf + a->len, data, more);
    a->len += more;
    a->buf[a->len] = '\0';
    return more;
}

static int blank(const struct answer *a)
{
    for (size_t i = 0; i < a->len; i++)
        if (a->buf[i] != ' ' && a->buf[i] != '\n' && a->buf[i] != '\r' && a->buf[i] != '\t')
            return 0;
    return 1;
}

/* The request to url and its answer read into out; every message names full, the URL without
 * its password. */
static int call(const char *url, const char *full, const char *form, double timeout,
                struct ent_sxp *out, struct ent_error *err)
{
    struct answer a = {0};
    CURL *c = curl_easy_init();
    if (!c)
        return ent_error(err, ENT_ENOMEM, "xend %s: cannot start libcurl", full);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (form)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    int rc = 0;
    if (a.too_big)
        rc = ent_error(err, ENT_EINVALID, "xend %s: answer larger than 16 MiB", full);
    else if (cc != CURLE_OK)
        rc = ent_error(err, cc == CURLE_OPERATION_TIMEDOUT ? ENT_ETIMEOUT : ENT_EIO, "xend %s: %s",
                       full, curl_easy_strerror(cc));
    else if (!a.buf || blank(&a))
        rc = form && status == 200
                 ? 0
                 : ent_error(err, ENT_EPARSE, "xend %s: empty answer (HTTP %ld)", full, status);
    else if ((rc = ent_sxp_parse(a.buf, a.len, full, out, err)) == 0) {
        if (!out->atom && out->n >= 2 && out->items[0].atom &&
            strcmp(out->items[0].atom, "xend.err") == 0) {
            rc = ent_error(err, ENT_EDRIVER, "xend %s: %s", full,
                           out->items[1].atom ? out->items[1].atom : "error");
            ent_sxp_release(out);
        } else if (status != 200) {
            rc = ent_error(err, ENT_EIO, "xend %s: HTTP %ld", full, status);
            ent_sxp_release(out);
        }
    } else if (status != 200) { /* not SXP at all: the status says more */
        rc = ent_error(err, ENT_EIO, "xend %s: HTTP %ld", full, status);
    }
    ent_free(a.buf);
    return rc;
}

char *ent_url_without_password(const char *url)
{
    CURLU *h = curl_url();
    char *shown = NULL;
    if (h && curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_set(h, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_URL, &shown, 0) == CURLUE_OK) {
        char *copy = ent_strdup(shown);
        curl_free(shown);
        curl_url_cleanup(h);
        return copy;
    }
    curl_url_cleanup(h);
    return ent_strdup(strchr(url, '@') ? "(a URL with credentials, unparsable)" : url);
}

char *ent_url_host(const char *url)
{
    CURLU *h = curl_url();
    char *host = NULL, *copy = NULL;
    if (h && curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        size_t len = strlen(host);
        bool bracketed = len >= 2 && host[0] == '[' && host[len - 1] == ']'; /* IPv6 */
        copy = bracketed ? ent_strndup(host + 1, len - 2) : ent_strdup(host);
    }
    curl_free(host);
    curl_url_cleanup(h);
    return copy;
}

int ent_xend_call(const char *url, const char *path, const char *form, double timeout,
                  struct ent_sxp *out, struct ent_error *err)
{
    memset(out, 0, sizeof *out);
    char *full = ent_strdup_printf("%s%s", url, path);
    char *shown = ent_url_without_password(full);
    int rc = call(full, shown, form, timeout, out, err);
    ent_free(shown);
    ent_free(full);
    return rc;
}

void ent_xend_domains(const struct ent_sxp *x, const struct ent_sxp ***out, size_t *n)
{
    *n = 0;
    *out = ent_malloc((x->n + 1) * sizeof **out);
    if (!x->atom && x->n && x->items[0].atom && strcmp(x->items[0].atom, "domain") == 0) {
        (*out)[(*n)++] = x;
        return;
    }
    for (size_t i = 0; !x->atom && i < x->n; i++) {
        const struct ent_sxp *d = &x->items[i];
        if (!d->atom && d->n && d->items[0].atom && strcmp(d->items[0].atom, "domain") == 0)
            (*out)[(*n)++] = d;
    }
}

#define XEND_MIGRATING "migrating-"

const char *ent_xend_in_flight(const char *name)
{
    size_t len = strlen(XEND_MIGRATING);
    return strncmp(name, XEND_MIGRATING, len) == 0 && name[len] ? name + len : NULL;
}
