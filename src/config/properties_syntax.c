/* The Java properties syntax, one logical line at a time. */
#include "config/properties_syntax.h"

#include "util/alloc.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LINE 65536

void ent_properties_reader_init(struct ent_properties_reader *r, FILE *f, const char *path)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->path = path;
}

void ent_properties_reader_release(struct ent_properties_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    ent_free(r->logical);
    ent_free(r->current.key);
    ent_free(r->current.value);
    memset(r, 0, sizeof *r);
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

/* Whether s (of len bytes) ends in an odd number of backslashes: the line goes on. */
static int continues(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[len - 1 - n] == '\\')
        n++;
    return n % 2 == 1;
}

static void append(struct ent_properties_reader *r, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 > r->logical_cap) {
        r->logical_cap = (*len + n + 1) * 2;
        r->logical = ent_reallocarray(r->logical, r->logical_cap, 1);
    }
    memcpy(r->logical + *len, s, n);
    *len += n;
    r->logical[*len] = '\0';
}

/* The next logical line into r->logical, its first physical line into *first; 1, 0 at the end. */
static int logical_line(struct ent_properties_reader *r, int *first, struct ent_error *err)
{
    size_t len = 0;
    int more = 0;
    ssize_t n;
    while ((n = getline(&r->buf, &r->cap, r->f)) >= 0) {
        r->line++;
        if (!more)
            *first = r->line;
        if ((size_t)n > MAX_LINE || len + (size_t)n > MAX_LINE)
            return ent_error(err, ENT_EPARSE, "%s:%d: line too long", r->path, r->line);
        while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r'))
            n--;
        const char *s = r->buf;
        if (r->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, n -= 3; /* a UTF-8 byte-order mark some editors write: not part of a key */
        if (more)           /* a continuation's leading blanks are dropped */
            while (n > 0 && blank(*s))
                s++, n--;
        else {
            size_t skip = 0;
            while ((ssize_t)skip < n && blank(s[skip]))
                skip++;
            if ((ssize_t)skip == n || s[skip] == '#' || s[skip] == '!')
                continue; /* blank or comment: no continuation either */
        }
        more = continues(s, (size_t)n);
        append(r, &len, s, (size_t)n - (more ? 1 : 0));
        if (!more)
            return 1;
    }
    if (ferror(r->f))
        return ent_error(err, ENT_EIO, "%s: read error", r->path);
    return len || more ? 1 : 0;
}

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* One escape after a backslash at *s, appended to out; *s moves past it. */
static int unescape(const char **s, struct ent_str *out, const char *where, struct ent_error *err)
{
    char c = *(*s)++;
    if (c == 'u') {
        unsigned cp = 0;
        for (int i = 0; i < 4; i++) {
            int d = hex((*s)[i]);
            if (d < 0)
                return ent_error(err, ENT_EPARSE, "%s: malformed \\uXXXX escape", where);
            cp = cp * 16 + (unsigned)d;
        }
        *s += 4;
        if (cp == 0)
            return ent_error(err, ENT_EPARSE, "%s: \\u0000 is not allowed", where);
        if (cp < 0x80)
            ent_str_addf(out, "%c", (char)cp);
        else if (cp < 0x800)
            ent_str_addf(out, "%c%c", (char)(0xc0 | cp >> 6), (char)(0x80 | (cp & 0x3f)));
        else
            ent_str_addf(out, "%c%c%c", (char)(0xe0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3f)),
                         (char)(0x80 | (cp & 0x3f)));
        return 0;
    }
    ent_str_addf(out, "%c",
                 c == 't'   ? '\t'
                 : c == 'n' ? '\n'
                 : c == 'r' ? '\r'
                 : c == 'f' ? '\f'
                            : c);
    return 0;
}

/* The key (up to an unescaped separator) or, with stop_at_separator 0, the value. */
static int text(const char **s, int stop_at_separator, struct ent_str *out, const char *where,
                struct ent_error *err)
{
    while (**s) {
        if (stop_at_separator && (**s == '=' || **s == ':' || blank(**s)))
            break;
        if (**s == '\\' && (*s)[1]) {
            (*s)++;
            int rc = unescape(s, out, where, err);
            if (rc)
                return rc;
        } else {
            ent_str_addf(out, "%c", *(*s)++);
        }
    }
    return 0;
}

int ent_properties_next(struct ent_properties_reader *r, const struct ent_property **out,
                        struct ent_error *err)
{
    int first = 0;
    int rc = logical_line(r, &first, err);
    if (rc <= 0)
        return rc;
    char where[64];
    snprintf(where, sizeof where, "%s:%d", r->path, first);
    struct ent_str key = ENT_STR_INIT, value = ENT_STR_INIT;
    const char *s = r->logical;
    while (blank(*s))
        s++;
    rc = text(&s, 1, &key, where, err);
    while (blank(*s))
        s++;
    if (*s == '=' || *s == ':')
        s++;
    while (blank(*s))
        s++;
    if (!rc)
        rc = text(&s, 0, &value, where, err);
    ent_free(r->current.key);
    ent_free(r->current.value);
    r->current = (struct ent_property){ent_str_take(&key), ent_str_take(&value), first};
    size_t len = strlen(r->current.value);
    while (len && blank(r->current.value[len - 1]))
        r->current.value[--len] = '\0';
    if (rc)
        return rc;
    *out = &r->current;
    return 1;
}
