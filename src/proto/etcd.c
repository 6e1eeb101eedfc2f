/* etcd's v3 JSON gateway (see etcd.h). */
#include "proto/etcd.h"

#include "util/alloc.h"
#include "util/str.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWER (8u << 20)

void ent_etcd_release(struct ent_etcd *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        ent_free(e->endpoints[i]);
    ent_free(e->endpoints);
    *e = (struct ent_etcd){0};
}

int ent_etcd_init(struct ent_etcd *e, const char *endpoints, double timeout, struct ent_error *err)
{
    *e = (struct ent_etcd){.timeout = timeout};
    char *copy = ent_strdup(endpoints), *save = NULL;
    for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        size_t len = strlen(w);
        while (len > 0 && w[len - 1] == '/')
            w[--len] = '\0';
        if ((strncmp(w, "http://", 7) != 0 && strncmp(w, "https://", 8) != 0) || len > 512 ||
            strpbrk(w, "\"\\ ") || len <= 8) {
            ent_free(copy);
            ent_etcd_release(e);
            return ent_error(err, ENT_EINVALID,
                             "ha.etcd.endpoints: \"%.80s\" is not an http:// or https:// URL", w);
        }
        e->endpoints = ent_reallocarray(e->endpoints, e->n + 1, sizeof *e->endpoints);
        e->endpoints[e->n++] = ent_strdup(w);
    }
    ent_free(copy);
    if (e->n == 0)
        return ent_error(err, ENT_EINVALID, "ha.etcd.endpoints: no endpoint");
    return 0;
}

/* Base64 through OpenSSL's EVP coder (etcd's gateway wants keys and values so). */
static char *b64(const char *s)
{
    size_t len = strlen(s);
    char *out = ent_malloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)len);
    return out;
}

/* The text of a base64 value, or NULL when it is not base64 or holds a NUL byte. */
static char *unb64(const char *s)
{
    size_t len = strlen(s);
    if (len % 4)
        return NULL;
    char *out = ent_malloc(3 * (len / 4) + 1);
    int n = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s, (int)len);
    if (n < 0) {
        ent_free(out);
        return NULL;
    }
    for (size_t pad = len; pad > 0 && s[pad - 1] == '='; pad--)
        n--; /* EVP_DecodeBlock counts the padding's bytes */
    out[n] = '\0';
    if (memchr(out, '\0', (size_t)n)) {
        ent_free(out);
        return NULL;
    }
    return out;
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct ent_str *s = arg;
    if (s->len + size * n > MAX_ANSWER)
        return 0;
    ent_str_addf(s, "%.*s", (int)(size * n), data);
    return size * n;
}

/* One POST to one endpoint: its answer, or an error (-1 when it could not be reached). */
static int post_one(const char *endpoint, const char *path, const char *body, double timeout,
                    json_t **answer, struct ent_error *err)
{
    char *url = ent_strdup_printf("%s%s", endpoint, path);
    struct ent_str text = ENT_STR_INIT;
    CURL *c = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &text);
    CURLcode cc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    int rc = 0;
    json_error_t jerr;
    if (cc != CURLE_OK) {
        rc = ent_error(err, cc == CURLE_OPERATION_TIMEDOUT ? ENT_ETIMEOUT : ENT_EIO, "etcd %s: %s",
                       url, curl_easy_strerror(cc));
    } else if (!(*answer = json_loadb(text.buf ? text.buf : "", text.len, 0, &jerr)) ||
               !json_is_object(*answer)) {
        json_decref(*answer);
        *answer = NULL;
        rc = ent_error(err, ENT_EPARSE, "etcd %s: not a JSON object", url);
    } else if (json_object_get(*answer, "error")) {
        const char *why = json_string_value(json_object_get(*answer, "error"));
        rc = ent_error(err, ENT_EDRIVER, "etcd %s: %.200s", url, why ? why : "error");
        json_decref(*answer);
        *answer = NULL;
    }
    ent_str_release(&text);
    ent_free(url);
    return cc != CURLE_OK ? -1 : rc;
}

/* POST body (stolen) to path: the endpoint that answered last, then the others in turn. */
static int call(struct ent_etcd *e, const char *path, json_t *body, json_t **answer,
                struct ent_error *err)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    int rc = -1;
    for (size_t tried = 0; tried < e->n && rc == -1; tried++) {
        size_t i = (e->current + tried) % e->n;
        rc = post_one(e->endpoints[i], path, text, e->timeout, answer, err);
        if (rc != -1)
            e->current = i;
    }
    free(text); /* jansson's */
    return rc == -1 ? ent_error_prefix(err, "no etcd endpoint answers (%zu tried): ", e->n) : rc;
}

static int64_t number(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10)
                             : (int64_t)json_integer_value(v);
}

static json_t *id_string(int64_t id)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, id);
    return json_string(buf);
}

int ent_etcd_lease_grant(struct ent_etcd *e, long ttl, int64_t *lease, struct ent_error *err)
{
    json_t *a = NULL;
    int rc = call(e, "/v3/lease/grant", json_pack("{s:I}", "TTL", (json_int_t)ttl), &a, err);
    if (rc)
        return rc;
    *lease = number(a, "ID");
    json_decref(a);
    return *lease ? 0 : ent_error(err, ENT_EPARSE, "etcd: a lease without an ID");
}

int ent_etcd_lease_keepalive(struct ent_etcd *e, int64_t lease, long *ttl, struct ent_error *err)
{
    json_t *a = NULL;
    int rc = call(e, "/v3/lease/keepalive", json_pack("{s:o}", "ID", id_string(lease)), &a, err);
    if (rc)
        return rc;
    *ttl = (long)number(json_object_get(a, "result"), "TTL"); /* absent: expired */
    json_decref(a);
    return 0;
}

int ent_etcd_lease_revoke(struct ent_etcd *e, int64_t lease, struct ent_error *err)
{
    json_t *a = NULL;
    int rc = call(e, "/v3/lease/revoke", json_pack("{s:o}", "ID", id_string(lease)), &a, err);
    json_decref(a);
    return rc;
}

static json_t *put_request(const char *key, const char *value, int64_t lease)
{
    char *k = b64(key), *v = b64(value);
    json_t *put = json_pack("{s:s, s:s}", "key", k, "value", v);
    if (lease)
        json_object_set_new(put, "lease", id_string(lease));
    ent_free(k);
    ent_free(v);
    return put;
}

int ent_etcd_put(struct ent_etcd *e, const char *key, const char *value, int64_t lease,
                 struct ent_error *err)
{
    json_t *a = NULL;
    int rc = call(e, "/v3/kv/put", put_request(key, value, lease), &a, err);
    json_decref(a);
    return rc;
}

void ent_etcd_kv_clear(struct ent_etcd_kv *kv)
{
    if (!kv)
        return;
    ent_free(kv->key);
    ent_free(kv->value);
    *kv = (struct ent_etcd_kv){0};
}

void ent_etcd_kvs_free(struct ent_etcd_kv *kvs, size_t n)
{
    for (size_t i = 0; kvs && i < n; i++)
        ent_etcd_kv_clear(&kvs[i]);
    ent_free(kvs);
}

/* The kvs of a range answer; a key or value that is not text is left out. */
static void read_kvs(const json_t *range, struct ent_etcd_kv **out, size_t *n)
{
    const json_t *kvs = json_object_get(range, "kvs");
    *out = ent_calloc(json_array_size(kvs) + 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < json_array_size(kvs); i++) {
        const json_t *kv = json_array_get(kvs, i);
        const char *k = json_string_value(json_object_get(kv, "key"));
        const char *v = json_string_value(json_object_get(kv, "value"));
        char *key = k ? unb64(k) : NULL, *value = unb64(v ? v : "");
        if (!key || !value) {
            ent_free(key);
            ent_free(value);
            continue;
        }
        (*out)[(*n)++] = (struct ent_etcd_kv){key, value, number(kv, "create_revision"),
                                              number(kv, "mod_revision"), number(kv, "lease")};
    }
}

/* A range answer (released here): its kvs and, when asked, the store's revision. */
static void read_range(json_t *a, struct ent_etcd_kv **out, size_t *n, int64_t *revision)
{
    read_kvs(a, out, n);
    if (revision)
        *revision = number(json_object_get(a, "header"), "revision");
    json_decref(a);
}

int ent_etcd_read_range(const char *text, size_t len, struct ent_etcd_kv **out, size_t *n,
                        int64_t *revision, struct ent_error *err)
{
    json_error_t jerr;
    json_t *a = json_loadb(text, len, 0, &jerr);
    if (!json_is_object(a)) {
        json_decref(a);
        return ent_error(err, ENT_EPARSE, "etcd range answer: not a JSON object");
    }
    read_range(a, out, n, revision);
    return 0;
}

/* The end of the range of keys that start with key: key with its last byte one higher. */
static char *prefix_end(const char *key)
{
    char *end = ent_strdup(key);
    size_t len = strlen(end);
    end[len - 1]++;
    return end;
}

static json_t *range_request(const char *key, bool prefix)
{
    char *k = b64(key);
    json_t *req = json_pack("{s:s}", "key", k);
    ent_free(k);
    if (prefix && *key) {
        char *end = prefix_end(key), *e64 = b64(end);
        json_object_set_new(req, "range_end", json_string(e64));
        ent_free(end);
        ent_free(e64);
    }
    return req;
}

int ent_etcd_range(struct ent_etcd *e, const char *key, bool prefix, int64_t since,
                   struct ent_etcd_kv **out, size_t *n, int64_t *revision, struct ent_error *err)
{
    json_t *a = NULL, *req = range_request(key, prefix);
    if (since > 0)
        json_object_set_new(req, "min_mod_revision", id_string(since + 1));
    int rc = call(e, "/v3/kv/range", req, &a, err);
    if (rc)
        return rc;
    read_range(a, out, n, revision);
    return 0;
}

/* A transaction: compare key's create revision with rev, then the success or the failure
 * operations; *succeeded says which, *answer the answer. */
static int txn(struct ent_etcd *e, const char *key, int64_t rev, json_t *success, json_t *failure,
               bool *succeeded, json_t **answer, struct ent_error *err)
{
    char *k = b64(key);
    json_t *cmp = json_pack("{s:s, s:s, s:s, s:o}", "key", k, "target", "CREATE", "result", "EQUAL",
                            "create_revision", id_string(rev));
    ent_free(k);
    json_t *body =
        json_pack("{s:[o], s:o, s:o}", "compare", cmp, "success", success, "failure", failure);
    int rc = call(e, "/v3/kv/txn", body, answer, err);
    if (!rc)
        *succeeded = json_is_true(json_object_get(*answer, "succeeded"));
    return rc;
}

int ent_etcd_create(struct ent_etcd *e, const char *key, const char *value, int64_t lease,
                    bool *created, struct ent_etcd_kv *holder, struct ent_error *err)
{
    json_t *a = NULL;
    json_t *ok = json_pack("[{s:o}, {s:o}]", "request_put", put_request(key, value, lease),
                           "request_range", range_request(key, false));
    json_t *no = json_pack("[{s:o}]", "request_range", range_request(key, false));
    int rc = txn(e, key, 0, ok, no, created, &a, err);
    if (rc)
        return rc;
    const json_t *responses = json_object_get(a, "responses");
    const json_t *range = json_object_get(json_array_get(responses, json_array_size(responses) - 1),
                                          "response_range");
    struct ent_etcd_kv *kvs;
    size_t n;
    read_kvs(range, &kvs, &n);
    *holder = n ? kvs[0] : (struct ent_etcd_kv){0};
    if (n)
        kvs[0] = (struct ent_etcd_kv){0};
    ent_etcd_kvs_free(kvs, n);
    json_decref(a);
    return holder->key ? 0 : ent_error(err, ENT_EPARSE, "etcd: %s vanished at once", key);
}

int ent_etcd_put_guarded(struct ent_etcd *e, const char *guard, int64_t guard_rev, const char *key,
                         const char *value, int64_t lease, bool *held, struct ent_error *err)
{
    json_t *a = NULL;
    int rc = txn(e, guard, guard_rev,
                 json_pack("[{s:o}]", "request_put", put_request(key, value, lease)), json_array(),
                 held, &a, err);
    json_decref(a);
    return rc;
}

int ent_etcd_delete_guarded(struct ent_etcd *e, const char *guard, int64_t guard_rev,
                            const char *from, const char *to, bool *held, struct ent_error *err)
{
    char *f = b64(from), *t = b64(to);
    json_t *del = json_pack("[{s:{s:s, s:s}}]", "request_delete_range", "key", f, "range_end", t);
    ent_free(f);
    ent_free(t);
    json_t *a = NULL;
    int rc = txn(e, guard, guard_rev, del, json_array(), held, &a, err);
    json_decref(a);
    return rc;
}
