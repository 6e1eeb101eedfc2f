/* The configuration table written out: the documented defaults file, the Markdown table of
 * docs/configuration.md, the man page entropy.properties(5). */
#include "config/config_docs.h"

#include "config/layout.h"
#include "config/properties.h"
#include "util/roff.h"

#include <string.h>

/* Comment text wrapped at 96 columns. */
static void write_comment(FILE *out, const char *text)
{
    const char *p = text;
    while (*p) {
        size_t len = strlen(p);
        if (len > 94) {
            len = 94;
            while (len > 0 && p[len] != ' ')
                len--;
            if (len == 0)
                len = strcspn(p, " ");
        }
        fprintf(out, "# %.*s\n", (int)len, p);
        p += len;
        while (*p == ' ')
            p++;
    }
}

static const char at_start_note[] =
    "Read when the daemon starts: a reload (SIGHUP) keeps the running value.";

void ent_config_write_defaults(FILE *out, bool installed)
{
    fputs("# Entropy's configuration, in the Java properties syntax: key = value (or key: value,\n"
          "# or key value), '#' or '!' starts a comment, a line ending in a backslash goes on\n"
          "# with the next, \\uXXXX and backslash escapes; a value's trailing blanks are dropped.\n"
          "# Every key is listed with its default; a key not set keeps it. Written by\n"
          "# `entropy config --defaults` from the table in src/config/config_keys.c.\n",
          out);
    if (installed)
        fputs("# The installed layout: state in /var/lib/entropy, the log in /var/log/entropy.\n",
              out);
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        const struct ent_config_key *k = &ent_config_keys[i];
        fputc('\n', out);
        write_comment(out, k->doc);
        if (k->type == ENT_CFG_NUMBER)
            fprintf(out, "# A %snumber in [%g, %g].\n", k->whole ? "whole " : "", k->min, k->max);
        else if (k->type == ENT_CFG_CHOICE)
            fprintf(out, "# One of %s.\n", k->choices);
        if (k->options)
            fprintf(out, "# Also on the command line: entropy %s.\n", k->options);
        if (k->at_start)
            fprintf(out, "# %s\n", at_start_note);
        const char *value = installed ? ent_config_installed_value(k->name) : NULL;
        if (k->type == ENT_CFG_FAMILY) /* none by default: an example */
            fprintf(out, "#%s = %s\n", k->name, k->fallback);
        else
            fprintf(out, "%s = %s\n", k->name, value ? value : k->fallback);
    }
}

/* What the values of k may be, as the Markdown table and the man page say it. */
static void write_values(FILE *out, const struct ent_config_key *k)
{
    if (k->type == ENT_CFG_NUMBER)
        fprintf(out, "%s%g to %g", k->whole ? "whole, " : "", k->min, k->max);
    else if (k->type == ENT_CFG_CHOICE)
        for (const char *c = k->choices; *c; c++)
            fputs(*c == '|' ? ", " : (char[]){*c, 0}, out);
    else
        fputs(k->type == ENT_CFG_PATH     ? "path"
              : k->type == ENT_CFG_FAMILY ? "any number of such keys"
                                          : "text",
              out);
}

static const char man_intro[] =
    "The configuration of entropy(1): the daemon, and the commands that talk to it, read it. "
    "The syntax is Java's properties: key = value (or key: value, or key value); a line "
    "starting with # or ! is a comment; a line ending in a backslash goes on with the next; "
    "\\uXXXX and backslash escapes; a value's trailing blanks are dropped. Every key has a "
    "default; a key not set keeps it. An unknown key, a value out of range, a key set twice or "
    "a malformed escape is refused, naming the file and the line (entropy config FILE checks a "
    "file the same way). A relative path is taken from the configuration's base: the directory "
    "that holds config/ when the file is in a directory named config, else the file's own "
    "directory.\n";

void ent_config_write_man(FILE *out)
{
    ent_roff_header(out, "entropy.properties", 5, "File formats",
                    "configuration of the Entropy consolidation manager");
    fputs(".SH DESCRIPTION\n", out);
    ent_roff_text(out, man_intro);
    fputs(".SH KEYS\n", out);
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        const struct ent_config_key *k = &ent_config_keys[i];
        const char *installed = ent_config_installed_value(k->name);
        fputs(".TP\n.B ", out);
        ent_roff_text(out, k->name);
        fputs("\n", out);
        ent_roff_text(out, k->doc);
        fputs("\n.br\nValues: ", out);
        write_values(out, k);
        if (k->type != ENT_CFG_FAMILY) {
            fputs("; default: ", out);
            ent_roff_text(out, *k->fallback ? k->fallback : "empty");
        }
        if (installed) {
            fputs(" (installed: ", out);
            ent_roff_text(out, installed);
            fputc(')', out);
        }
        fputs(".\n", out);
        if (k->options) {
            fputs("Also on the command line: entropy ", out);
            ent_roff_text(out, k->options);
            fputs(".\n", out);
        }
        if (k->at_start) {
            ent_roff_text(out, at_start_note);
            fputc('\n', out);
        }
    }
    fputs(".SH FILES\n.TP\n", out);
    ent_roff_text(out, ent_config_installed_file());
    fputs("\nThe installed configuration (the service's).\n.TP\n", out);
    fputs("config/entropy.properties\nThe distribution's, used when the working directory has "
          "one (bin/controlLoop.sh).\n",
          out);
    fputs(".SH SEE ALSO\nentropy(1)\n", out);
}

void ent_config_write_markdown(FILE *out)
{
    fputs("# Configuration keys\n\n"
          "Every key of `config/entropy.properties`, with its default and range. Written by\n"
          "`entropy config --markdown` from the table in `src/config/config_keys.c`, the one the\n"
          "daemon reads and `entropy config --defaults` writes the file from. An unknown key, a\n"
          "value out of range or a key set twice is refused, naming the file and the line.\n\n"
          "| key | default | values | what it does |\n|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        const struct ent_config_key *k = &ent_config_keys[i];
        fprintf(out, "| `%s` | `%s` | ", k->name,
                *k->fallback && k->type != ENT_CFG_FAMILY ? k->fallback : " ");
        write_values(out, k);
        fprintf(out, " | %s", k->doc);
        if (k->options)
            fprintf(out, " Also `entropy %s`.", k->options);
        if (k->at_start)
            fprintf(out, " %s", at_start_note);
        fputs(" |\n", out);
    }
}
