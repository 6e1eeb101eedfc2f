/* A small recursive reader for xend's S-expressions, bounded in depth. */
#include "proto/sxp.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

struct reader {
    const char *buf;
    size_t len, pos;
    const char *what;
    struct ent_error *err;
};

static void blanks(struct reader *r)
{
    while (r->pos < r->len && isspace((unsigned char)r->buf[r->pos]))
        r->pos++;
}

static int parse(struct reader *r, struct ent_sxp *out, int depth);

static int atom(struct reader *r, struct ent_sxp *out)
{
    char quote = r->buf[r->pos];
    size_t cap = 16, n = 0;
    char *s = ent_malloc(cap);
    if (quote == '\'' || quote == '"') {
        r->pos++;
        for (;;) {
            if (r->pos >= r->len) {
                ent_free(s);
                return ent_error(r->err, ENT_EPARSE, "%s: offset %zu: unterminated string", r->what,
                                 r->pos);
            }
            char c = r->buf[r->pos++];
            if (c == quote)
                break;
            if (c == '\\' && r->pos < r->len)
                c = r->buf[r->pos++];
            if (n + 1 >= cap)
                s = ent_reallocarray(s, cap *= 2, 1);
            s[n++] = c;
        }
    } else {
        while (r->pos < r->len && !isspace((unsigned char)r->buf[r->pos]) &&
               r->buf[r->pos] != '(' && r->buf[r->pos] != ')') {
            if (n + 1 >= cap)
                s = ent_reallocarray(s, cap *= 2, 1);
            s[n++] = r->buf[r->pos++];
        }
    }
    s[n] = '\0';
    out->atom = s;
    return 0;
}

static int parse(struct reader *r, struct ent_sxp *out, int depth)
{
    memset(out, 0, sizeof *out);
    blanks(r);
    if (r->pos >= r->len)
        return ent_error(r->err, ENT_EPARSE, "%s: offset %zu: unexpected end", r->what, r->pos);
    if (r->buf[r->pos] == ')')
        return ent_error(r->err, ENT_EPARSE, "%s: offset %zu: unexpected ')'", r->what, r->pos);
    if (r->buf[r->pos] != '(')
        return atom(r, out);
    if (depth >= ENT_SXP_MAX_DEPTH)
        return ent_error(r->err, ENT_EPARSE, "%s: offset %zu: nested too deep", r->what, r->pos);
    r->pos++;
    size_t cap = 0;
    for (;;) {
        blanks(r);
        if (r->pos >= r->len) {
            ent_sxp_release(out);
            return ent_error(r->err, ENT_EPARSE, "%s: offset %zu: unclosed '('", r->what, r->pos);
        }
        if (r->buf[r->pos] == ')') {
            r->pos++;
            return 0;
        }
        ENT_GROW(out->items, cap, out->n);
        int rc = parse(r, &out->items[out->n], depth + 1);
        if (rc) {
            ent_sxp_release(out);
            return rc;
        }
        out->n++;
    }
}

int ent_sxp_parse(const char *buf, size_t len, const char *what, struct ent_sxp *out,
                  struct ent_error *err)
{
    struct reader r = {buf, len, 0, what, err};
    int rc = parse(&r, out, 0);
    if (rc)
        return rc;
    blanks(&r);
    if (r.pos != len) {
        ent_sxp_release(out);
        return ent_error(err, ENT_EPARSE, "%s: offset %zu: text after the expression", what, r.pos);
    }
    return 0;
}

void ent_sxp_release(struct ent_sxp *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        ent_sxp_release(&x->items[i]);
    ent_free(x->items);
    ent_free(x->atom);
    memset(x, 0, sizeof *x);
}

const struct ent_sxp *ent_sxp_find(const struct ent_sxp *list, const char *key)
{
    for (size_t i = 0; list && !list->atom && i < list->n; i++) {
        const struct ent_sxp *c = &list->items[i];
        if (!c->atom && c->n > 0 && c->items[0].atom && strcmp(c->items[0].atom, key) == 0)
            return c;
    }
    return NULL;
}

const char *ent_sxp_value(const struct ent_sxp *list, const char *key)
{
    const struct ent_sxp *c = ent_sxp_find(list, key);
    return c && c->n > 1 ? c->items[1].atom : NULL;
}

void ent_sxp_add_atom(struct ent_str *out, const char *atom)
{
    bool bare = atom[0] != '\0';
    for (const char *c = atom; *c && bare; c++)
        bare = !isspace((unsigned char)*c) && !iscntrl((unsigned char)*c) && !strchr("()'\"\\", *c);
    if (bare) {
        ent_str_addf(out, "%s", atom);
        return;
    }
    ent_str_addf(out, "'");
    for (const char *c = atom; *c; c++)
        ent_str_addf(out, "%s%c", *c == '\'' || *c == '\\' ? "\\" : "", *c);
    ent_str_addf(out, "'");
}
