/* ipmitool as the IPMI client. */
#include "proto/ipmi_tool.h"

#include "util/names.h"
#include "util/private_dir.h"
#include "util/run.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#define OUTPUT_MAX 2048

/* The last non-empty line of out (cut there) as a message may show it. */
static const char *last_line(char *out, struct ent_str *shown)
{
    size_t len = strlen(out);
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    char *line = strrchr(out, '\n');
    line = line ? line + 1 : out;
    return *line ? ent_name_quote(line, shown) : "no output";
}

/* Runs ipmitool ARGS... chassis power WHAT; its output in out. */
static int call(const struct ent_ipmi_bmc *bmc, const char *what, char *out, struct ent_error *err)
{
    if (!ent_name_ok(bmc->host) || !ent_name_ok(bmc->user))
        return ent_error(err, ENT_EINVALID, "IPMI: a host or user name that is not plain");
    int rc = ent_secret_file(bmc->password_file, ENT_IPMI_PASSWORD_MAX, err);
    if (rc)
        return ent_error_prefix(err, "IPMI password file");
    char port[16], suite[16], wait[16];
    snprintf(port, sizeof port, "%d", bmc->port);
    snprintf(suite, sizeof suite, "%d", bmc->cipher_suite);
    /* ipmitool's own retries fit in the time limit: -N seconds per try, -R tries */
    int per_try = bmc->timeout >= 6 ? (int)(bmc->timeout / 3) : 1;
    snprintf(wait, sizeof wait, "%d", per_try);
    const char *argv[] = {bmc->program,
                          "-I",
                          "lanplus",
                          "-C",
                          suite,
                          "-N",
                          wait,
                          "-R",
                          "2",
                          "-H",
                          bmc->host,
                          "-p",
                          port,
                          "-U",
                          bmc->user,
                          "-f",
                          bmc->password_file,
                          "chassis",
                          "power",
                          what,
                          NULL};
    int status;
    rc = ent_run((char *const *)argv, bmc->timeout, out, OUTPUT_MAX, &status, err);
    if (rc)
        return ent_error_prefix(err, "IPMI %s:%d", bmc->host, bmc->port);
    if (status != 0) {
        struct ent_str shown = ENT_STR_INIT;
        rc = ent_error(err, ENT_EDRIVER, "IPMI %s:%d: chassis power %s: %s", bmc->host, bmc->port,
                       what, last_line(out, &shown));
        ent_str_release(&shown);
        return rc;
    }
    return 0;
}

int ent_ipmi_power_status(const struct ent_ipmi_bmc *bmc, bool *on, struct ent_error *err)
{
    char out[OUTPUT_MAX];
    int rc = call(bmc, "status", out, err);
    if (rc)
        return rc;
    if (strstr(out, "Chassis Power is on")) {
        *on = true;
        return 0;
    }
    if (strstr(out, "Chassis Power is off")) {
        *on = false;
        return 0;
    }
    struct ent_str shown = ENT_STR_INIT;
    rc = ent_error(err, ENT_EDRIVER, "IPMI %s:%d: an unexpected status: %s", bmc->host, bmc->port,
                   last_line(out, &shown));
    ent_str_release(&shown);
    return rc;
}

int ent_ipmi_power_control(const struct ent_ipmi_bmc *bmc, enum ent_ipmi_control what,
                           struct ent_error *err)
{
    static const char *const words[] = {
        [ENT_IPMI_ON] = "on", [ENT_IPMI_OFF_HARD] = "off", [ENT_IPMI_OFF_SOFT] = "soft"};
    char out[OUTPUT_MAX];
    return call(bmc, words[what], out, err);
}
