/* Streaming Ganglia XML: HOST elements and the METRICs Entropy reads, nothing else. */
#include "monitor/ganglia_xml.h"

#include "util/alloc.h"
#include "util/error.h"

#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metric_names[] = {
#define ENT_GM_NAME(e, name) name,
    ENT_GANGLIA_METRICS(ENT_GM_NAME)
#undef ENT_GM_NAME
};

struct ent_ganglia_parser {
    XML_Parser xml;
    struct ent_ganglia_dump *out;
    const char *what;
    struct ent_ganglia_host *host; /* the HOST being read, NULL outside one */
    bool rooted;                   /* the document element was seen (GANGLIA_XML) */
    char error[256];
};

const char *ent_ganglia_metric_name(enum ent_ganglia_metric m)
{
    return m < ENT_GM_COUNT ? metric_names[m] : "?";
}

void ent_ganglia_dump_init(struct ent_ganglia_dump *d)
{
    memset(d, 0, sizeof *d);
}

void ent_ganglia_dump_release(struct ent_ganglia_dump *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_hosts; i++) {
        struct ent_ganglia_host *h = &d->hosts[i];
        ent_free(h->name);
        ent_free(h->ip);
        for (int k = 0; k < ENT_GM_COUNT; k++)
            ent_free(h->val[k]);
    }
    ent_free(d->hosts);
    ent_ganglia_dump_init(d);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

static long number(const char *s)
{
    return s ? strtol(s, NULL, 10) : 0;
}

static void fail(struct ent_ganglia_parser *p, const char *msg)
{
    if (!p->error[0])
        snprintf(p->error, sizeof p->error, "line %lu: %s",
                 (unsigned long)XML_GetCurrentLineNumber(p->xml), msg);
    XML_StopParser(p->xml, XML_FALSE);
}

_Static_assert(ENT_GANGLIA_MAX_HOSTS == 200000 && ENT_GANGLIA_MAX_VALUE == 4 << 20,
               "the messages below say so");

static void on_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    struct ent_ganglia_parser *p = data;
    if (!p->rooted) { /* an HTML page, or any other XML, is no empty cluster */
        p->rooted = true;
        if (strcmp(el, "GANGLIA_XML") != 0) {
            char msg[128];
            snprintf(msg, sizeof msg,
                     "not a Ganglia dump: the document is <%.40s>, not "
                     "<GANGLIA_XML>",
                     el);
            fail(p, msg);
            return;
        }
    }
    if (strcmp(el, "HOST") == 0) {
        const char *name = attr(atts, "NAME");
        if (p->host || !name || !*name) {
            fail(p, p->host ? "HOST inside HOST" : "HOST without NAME");
            return;
        }
        struct ent_ganglia_dump *d = p->out;
        if (d->n_hosts >= ENT_GANGLIA_MAX_HOSTS) {
            fail(p, "more than 200000 hosts: refused");
            return;
        }
        ENT_GROW(d->hosts, d->cap_hosts, d->n_hosts);
        p->host = &d->hosts[d->n_hosts++];
        memset(p->host, 0, sizeof *p->host);
        p->host->name = ent_strdup(name);
        p->host->ip = ent_strdup(attr(atts, "IP"));
        p->host->tn = number(attr(atts, "TN"));
        p->host->tmax = number(attr(atts, "TMAX"));
    } else if (strcmp(el, "METRIC") == 0) {
        if (!p->host)
            return; /* cluster-wide summaries (gmetad's METRICS) say nothing of a host */
        const char *name = attr(atts, "NAME"), *val = attr(atts, "VAL");
        if (!name || !val) {
            fail(p, "METRIC without NAME or VAL");
            return;
        }
        for (int k = 0; k < ENT_GM_COUNT; k++)
            if (strcmp(name, metric_names[k]) == 0) {
                if (strlen(val) > ENT_GANGLIA_MAX_VALUE) {
                    fail(p, "a METRIC VAL longer than 4 MiB: refused");
                    return;
                }
                ent_free(p->host->val[k]);
                p->host->val[k] = ent_strdup(val);
                p->host->metric_tn[k] = number(attr(atts, "TN"));
                p->host->metric_tmax[k] = number(attr(atts, "TMAX"));
            }
    }
}

static void on_end(void *data, const XML_Char *el)
{
    struct ent_ganglia_parser *p = data;
    if (strcmp(el, "HOST") == 0)
        p->host = NULL;
}

/* The DTD gmond sends is internal: declarations are fine, but nothing may be expanded from
 * outside (no network, no files). */
static int refuse_external(XML_Parser parser, const XML_Char *context, const XML_Char *base,
                           const XML_Char *system_id, const XML_Char *public_id)
{
    (void)parser;
    (void)context;
    (void)base;
    (void)system_id;
    (void)public_id;
    return XML_STATUS_ERROR;
}

struct ent_ganglia_parser *ent_ganglia_parser_new(struct ent_ganglia_dump *out, const char *what)
{
    struct ent_ganglia_parser *p = ent_calloc(1, sizeof *p);
    p->xml = XML_ParserCreate(NULL);
    if (!p->xml) {
        ent_free(p);
        return NULL;
    }
    p->out = out;
    p->what = what;
    XML_SetUserData(p->xml, p);
    XML_SetElementHandler(p->xml, on_start, on_end);
    XML_SetExternalEntityRefHandler(p->xml, refuse_external);
    XML_SetParamEntityParsing(p->xml, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

int ent_ganglia_parser_feed(struct ent_ganglia_parser *p, const char *buf, size_t len, int last,
                            struct ent_error *err)
{
    if (len > INT32_MAX)
        return ent_error(err, ENT_EINVALID, "%s: chunk too large", p->what);
    if (XML_Parse(p->xml, buf, (int)len, last) == XML_STATUS_ERROR) {
        if (!p->error[0])
            snprintf(p->error, sizeof p->error, "line %lu, column %lu: %s",
                     (unsigned long)XML_GetCurrentLineNumber(p->xml),
                     (unsigned long)XML_GetCurrentColumnNumber(p->xml),
                     XML_ErrorString(XML_GetErrorCode(p->xml)));
        return ent_error(err, ENT_EPARSE, "%s: %s", p->what, p->error);
    }
    return 0;
}

void ent_ganglia_parser_free(struct ent_ganglia_parser *p)
{
    if (!p)
        return;
    XML_ParserFree(p->xml);
    ent_free(p);
}

int ent_ganglia_parse(const char *buf, size_t len, const char *what, struct ent_ganglia_dump *out,
                      struct ent_error *err)
{
    struct ent_ganglia_parser *p = ent_ganglia_parser_new(out, what);
    if (!p)
        return ent_error(err, ENT_ENOMEM, "%s: cannot create an XML parser", what);
    int rc = ent_ganglia_parser_feed(p, buf, len, 1, err);
    ent_ganglia_parser_free(p);
    return rc;
}
