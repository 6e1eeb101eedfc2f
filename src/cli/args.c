/* What every subcommand uses to refuse bad arguments: one message form, one number parser. */
#include "cli/cli.h"
#include "daemon/ha_journal.h"

#include "config/properties.h"
#include "exec/journal.h"
#include "util/names.h"
#include "util/str.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ent_cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "entropy %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return ENT_EXIT_INPUT;
}

int ent_cli_number(const char *cmd, const char *opt, const char *text, double min, double max,
                   double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v < min || v > max) {
        ent_cli_fail(cmd, "%s: \"%s\" is not a number from %g to %g", opt, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int ent_cli_key_number(const char *cmd, const char *opt, const char *key, const char *text,
                       double *out)
{
    const struct ent_config_key *k = ent_config_key_find(key);
    /* The table names every option that sets a key: one that it does not is a programming
     * error, caught by any test that passes the option. */
    assert(k && k->type == ENT_CFG_NUMBER && k->options);
    char both[64];
    snprintf(both, sizeof both, "%s %s", cmd, opt);
    assert(strstr(k->options, both));
    int rc = ent_cli_number(cmd, opt, text, k->min, k->max, out);
    if (!rc && k->whole && *out != floor(*out))
        return ent_cli_fail(cmd, "%s: \"%s\" is not a whole number", opt, text);
    return rc;
}

int ent_cli_fail_choice(const char *cmd, const char *opt, const char *value, ent_name_at_fn name_at)
{
    struct ent_str names = ENT_STR_INIT;
    int rc = ent_cli_fail(cmd, "%s: \"%s\" is not %s", opt, value,
                          ent_names(&names, name_at, ", ", " or "));
    ent_str_release(&names);
    return rc;
}

int ent_cli_check_names(const char *cmd, char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!ent_name_ok(names[i])) {
            struct ent_str q = ENT_STR_INIT;
            int status = ent_cli_fail(cmd, "\"%s\" is not a node or enclosure name",
                                      ent_name_quote(names[i], &q));
            ent_str_release(&q);
            return status;
        }
    return 0;
}

/* HA: the commands' words go to etcd too (daemon/ha_journal.h). */
static struct ent_ha_admin *ha_admin;

int ent_cli_open_journal(const char *cmd, const char *path, struct ent_config *cfg,
                         struct ent_journal *j)
{
    struct ent_error err;
    ent_error_init(&err);
    ent_config_init(cfg);
    *j = (struct ent_journal){0};
    if (ent_config_load(cfg, path, &err) ||
        ent_journal_open(j, ent_config_string(cfg, "daemon.journal"), &err) ||
        ent_ha_admin_open(&ha_admin, cfg, &err) ||
        (ha_admin && ent_ha_admin_attach(ha_admin, j, &err))) {
        ent_cli_close_journal(cfg, j);
        return ent_cli_fail(cmd, "%s", err.msg);
    }
    return 0;
}

void ent_cli_close_journal(struct ent_config *cfg, struct ent_journal *j)
{
    ent_journal_close(j);
    ent_ha_admin_close(ha_admin);
    ha_admin = NULL;
    ent_config_release(cfg);
}
