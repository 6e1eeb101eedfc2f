/* The configuration table (config_keys.c) written out for people: the file, a table, a page. */
#ifndef ENT_CONFIG_CONFIG_DOCS_H
#define ENT_CONFIG_CONFIG_DOCS_H

#include <stdbool.h>
#include <stdio.h>

/* The documented file with every key at its default: what config/entropy.properties holds, or
 * with installed, what the installed SYSCONFDIR/entropy/entropy.properties holds (the paths of
 * the installed layout, config/layout.h). */
void ent_config_write_defaults(FILE *out, bool installed);
/* The same as a Markdown table (docs/configuration.md). */
void ent_config_write_markdown(FILE *out);
/* The man page entropy.properties(5). */
void ent_config_write_man(FILE *out);

#endif
