/* The IPMI power driver: ipmi://USER@HOST[:PORT], through proto/ipmi_tool (ipmitool). Power off is
 * hard unless power.ipmi.off = soft (an ACPI shutdown, which a BMC refuses when the operating
 * system has not said it can). */
#include "drivers/power.h"
#include "drivers/power_uri.h"
#include "proto/ipmi_tool.h"
#include "util/alloc.h"

#include <string.h>

struct ipmi_target {
    char user[ENT_NAME_MAX + 1], host[ENT_NAME_MAX + 1];
    int port;
};

static int ipmi_parse(const char *rest, void **target, struct ent_error *err)
{
    const char *at = strchr(rest, '@');
    if (!at || at == rest || (size_t)(at - rest) > ENT_NAME_MAX)
        return ent_error(err, ENT_EINVALID, "expected ipmi://USER@HOST[:PORT]");
    struct ipmi_target t = {.port = 623};
    memcpy(t.user, rest, (size_t)(at - rest));
    if (!ent_name_ok(t.user))
        return ent_error(err, ENT_EINVALID, "the user is not a plain name");
    int rc = ent_power_host_port(at + 1, t.host, &t.port, 623, err);
    if (rc)
        return rc;
    struct ipmi_target *copy = ent_malloc(sizeof *copy);
    *copy = t;
    *target = copy;
    return 0;
}

static void ipmi_release(void *target)
{
    ent_free(target);
}

static struct ent_ipmi_bmc bmc_of(const struct ipmi_target *t, const struct ent_power_settings *s)
{
    return (struct ent_ipmi_bmc){
        t->host,    t->user,    t->port, s->ipmi_password_file, s->ipmi_cipher_suite,
        s->timeout, s->ipmitool};
}

static int ipmi_needs_password(const struct ent_power_settings *s, struct ent_error *err)
{
    if (!s->ipmi_password_file || !*s->ipmi_password_file)
        return ent_error(err, ENT_EINVALID,
                         "IPMI needs power.ipmi.password_file (a file of mode 0600)");
    return 0;
}

static int control(void *target, const struct ent_power_settings *s, enum ent_ipmi_control what,
                   struct ent_error *err)
{
    int rc = ipmi_needs_password(s, err);
    if (rc)
        return rc;
    struct ent_ipmi_bmc bmc = bmc_of(target, s);
    return ent_ipmi_power_control(&bmc, what, err);
}

static int ipmi_on(void *target, const char *node, const struct ent_power_settings *s,
                   enum ent_power_state *state, struct ent_error *err)
{
    (void)node;
    (void)state;
    return control(target, s, ENT_IPMI_ON, err);
}

static int ipmi_off(void *target, const char *node, const struct ent_power_settings *s,
                    enum ent_power_state *state, struct ent_error *err)
{
    (void)node;
    (void)state;
    int rc = control(target, s, s->ipmi_soft_off ? ENT_IPMI_OFF_SOFT : ENT_IPMI_OFF_HARD, err);
    if (rc && s->ipmi_soft_off)
        ent_error_prefix(err, "soft off (power.ipmi.off = soft; a BMC refuses it while the "
                              "node's system has not announced ACPI shutdown)");
    return rc;
}

static int ipmi_status(void *target, const char *node, const struct ent_power_settings *s,
                       enum ent_power_state *state, struct ent_error *err)
{
    (void)node;
    int rc = ipmi_needs_password(s, err);
    if (rc)
        return rc;
    struct ent_ipmi_bmc bmc = bmc_of(target, s);
    bool on;
    rc = ent_ipmi_power_status(&bmc, &on, err);
    if (!rc)
        *state = on ? ENT_POWER_ON : ENT_POWER_OFF;
    return rc;
}

static const char *const ipmi_keys[] = {"power.ipmi.password_file", "power.ipmi.cipher_suite",
                                        "power.ipmi.off", NULL};

const struct ent_power_ops ent_power_ipmi_ops = {
    .keys = ipmi_keys,
    .name = "ipmi",
    .scheme = "ipmi://",
    .form = "ipmi://USER@HOST[:PORT]",
    .parse = ipmi_parse,
    .release = ipmi_release,
    .act = {[ENT_POWER_DO_ON] = ipmi_on,
            [ENT_POWER_DO_OFF] = ipmi_off,
            [ENT_POWER_DO_STATUS] = ipmi_status},
};
