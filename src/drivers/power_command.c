/* The command power driver: command:///PATH runs the administrator's program PATH with the
 * arguments on|off|status and the node's name, without a shell, within power.timeout (killed
 * past it): for Redfish, iLO, PDUs, cloud APIs. Exit status 0 is success; for status, the first
 * word printed is "on" or "off". */
#include "drivers/power.h"
#include "util/alloc.h"
#include "util/names.h"
#include "util/run.h"
#include "util/str.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define OUTPUT_MAX 1024

static int command_parse(const char *rest, void **target, struct ent_error *err)
{
    if (rest[0] != '/')
        return ent_error(err, ENT_EINVALID, "expected command:///PATH, an absolute path");
    for (const char *p = rest; *p; p++)
        if (!isgraph((unsigned char)*p))
            return ent_error(err, ENT_EINVALID, "the path has a blank or control character");
    *target = ent_strdup(rest);
    return 0;
}

static void command_release(void *target)
{
    ent_free(target);
}

/* The first line of out (cut there) as a message may show it. */
static const char *shown(char *out, struct ent_str *s)
{
    out[strcspn(out, "\r\n")] = '\0';
    return *out ? ent_name_quote(out, s) : "no output";
}

static int run(const char *path, const char *verb, const char *node,
               const struct ent_power_settings *s, char *out, struct ent_error *err)
{
    if (!ent_name_ok(node))
        return ent_error(err, ENT_EINVALID, "the node name is not plain: nothing is run");
    const char *argv[] = {path, verb, node, NULL};
    int status;
    int rc = ent_run((char *const *)argv, s->timeout, out, OUTPUT_MAX, &status, err);
    if (rc)
        return rc;
    if (status != 0) {
        struct ent_str line = ENT_STR_INIT;
        rc = ent_error(err, ENT_EDRIVER, "%s %s %s: exit status %d: %s", path, verb, node, status,
                       shown(out, &line));
        ent_str_release(&line);
    }
    return rc;
}

static int command_on(void *target, const char *node, const struct ent_power_settings *s,
                      enum ent_power_state *state, struct ent_error *err)
{
    (void)state;
    char out[OUTPUT_MAX];
    return run(target, "on", node, s, out, err);
}

static int command_off(void *target, const char *node, const struct ent_power_settings *s,
                       enum ent_power_state *state, struct ent_error *err)
{
    (void)state;
    char out[OUTPUT_MAX];
    return run(target, "off", node, s, out, err);
}

static int command_status(void *target, const char *node, const struct ent_power_settings *s,
                          enum ent_power_state *state, struct ent_error *err)
{
    char out[OUTPUT_MAX];
    int rc = run(target, "status", node, s, out, err);
    if (rc)
        return rc;
    char *word = out + strspn(out, " \t\r\n");
    size_t len = strcspn(word, " \t\r\n");
    if (len == 2 && strncasecmp(word, "on", 2) == 0)
        *state = ENT_POWER_ON;
    else if (len == 3 && strncasecmp(word, "off", 3) == 0)
        *state = ENT_POWER_OFF;
    else {
        struct ent_str line = ENT_STR_INIT;
        rc = ent_error(err, ENT_EDRIVER, "%s status %s: expected on or off, got: %s",
                       (const char *)target, node, shown(word, &line));
        ent_str_release(&line);
    }
    return rc;
}

const struct ent_power_ops ent_power_command_ops = {
    .name = "command",
    .scheme = "command://",
    .form = "command:///PATH",
    .parse = command_parse,
    .release = command_release,
    .act = {[ENT_POWER_DO_ON] = command_on,
            [ENT_POWER_DO_OFF] = command_off,
            [ENT_POWER_DO_STATUS] = command_status},
};
