/* The growable string. */
#include "util/str.h"

#include "util/alloc.h"

#include <stdio.h>
#include <string.h>

void ent_str_vaddf(struct ent_str *s, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(again);
        return;
    }
    size_t need = s->len + (size_t)n + 1;
    if (need > s->cap) {
        s->cap = need > 2 * s->cap ? need : 2 * s->cap;
        s->buf = ent_reallocarray(s->buf, s->cap, 1);
    }
    vsnprintf(s->buf + s->len, s->cap - s->len, fmt, again);
    va_end(again);
    s->len += (size_t)n;
}

void ent_str_addf(struct ent_str *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ent_str_vaddf(s, fmt, ap);
    va_end(ap);
}

const char *ent_str_cstr(const struct ent_str *s)
{
    return s->buf ? s->buf : "";
}

char *ent_str_take(struct ent_str *s)
{
    char *text = s->buf ? s->buf : ent_strdup("");
    *s = (struct ent_str)ENT_STR_INIT;
    return text;
}

void ent_str_release(struct ent_str *s)
{
    if (!s)
        return;
    ent_free(s->buf);
    *s = (struct ent_str)ENT_STR_INIT;
}

char *ent_strdup_printf(const char *fmt, ...)
{
    struct ent_str s = ENT_STR_INIT;
    va_list ap;
    va_start(ap, fmt);
    ent_str_vaddf(&s, fmt, ap);
    va_end(ap);
    return ent_str_take(&s);
}

int ent_str_fit(char *buf, size_t size, const char *fmt, ...)
{
    if (size == 0)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < size)
        return 1;
    if (size > 4)
        memcpy(buf + size - 4, "...", 4);
    return 0;
}

char *ent_shell_quote(const char *s)
{
    struct ent_str q = ENT_STR_INIT;
    ent_str_addf(&q, "'");
    for (; *s; s++)
        ent_str_addf(&q, *s == '\'' ? "'\\''" : "%c", *s);
    ent_str_addf(&q, "'");
    return ent_str_take(&q);
}
