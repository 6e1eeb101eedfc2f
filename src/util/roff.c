/* Text into roff (see roff.h). */
#include "util/roff.h"

#include "install_paths.h"

#include <ctype.h>
#include <string.h>

void ent_roff_text(FILE *out, const char *text)
{
    int line_start = 1;
    for (const char *p = text; *p; p++) {
        if (line_start && (*p == '.' || *p == '\''))
            fputs("\\&", out);
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-' && (p == text || !isalnum((unsigned char)p[-1])))
            fputs("\\-", out); /* an option's dash, a minus: not a hyphen */
        else
            fputc(*p, out);
        line_start = *p == '\n';
    }
}

void ent_roff_block(FILE *out, const char *text)
{
    fputs(".RS 2\n.nf\n.ft CR\n", out);
    ent_roff_text(out, text);
    if (*text && text[strlen(text) - 1] != '\n')
        fputc('\n', out);
    fputs(".ft R\n.fi\n.RE\n", out);
}

void ent_roff_header(FILE *out, const char *name, int section, const char *manual, const char *what)
{
    fprintf(out, ".TH \"%s\" \"%d\" \"\" \"entropy %s\" \"%s\"\n.SH NAME\n", name, section,
            ENT_VERSION, manual);
    ent_roff_text(out, name);
    fputs(" \\- ", out);
    ent_roff_text(out, what);
    fputc('\n', out);
}
