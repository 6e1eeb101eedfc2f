/* IPMI 2.0 over LAN (lanplus, RMCP+) through Debian's ipmitool: chassis power on, off (hard or
 * soft, the latter an ACPI shutdown the operating system carries out) and status. No RMCP+ stack
 * is written here. The password never appears in an argument list or the environment: ipmitool
 * reads it from the file (-f), which must be its user's alone (ent_secret_file). */
#ifndef ENT_PROTO_IPMI_TOOL_H
#define ENT_PROTO_IPMI_TOOL_H

#include "util/error.h"

#include <stdbool.h>

/* IPMI 2.0 passwords are at most 20 bytes. */
#define ENT_IPMI_PASSWORD_MAX 20

struct ent_ipmi_bmc {
    const char *host, *user;   /* checked: ent_name_ok */
    int port;                  /* UDP, 623 by default */
    const char *password_file; /* checked with ent_secret_file before each call */
    int cipher_suite;          /* ipmitool -C: 3 (AES-128, HMAC-SHA1) answers everywhere */
    double timeout;            /* seconds for the whole call, ipmitool killed past it */
    const char *program;       /* "ipmitool", or another path (tests) */
};

enum ent_ipmi_control { ENT_IPMI_ON, ENT_IPMI_OFF_HARD, ENT_IPMI_OFF_SOFT };

/* *on from "Chassis Power is on|off"; an error with ipmitool's last line otherwise. */
ENT_MUST_USE int ent_ipmi_power_status(const struct ent_ipmi_bmc *bmc, bool *on,
                                       struct ent_error *err);
/* Asks for the change; the BMC's answer does not mean it happened (poll the status). */
ENT_MUST_USE int ent_ipmi_power_control(const struct ent_ipmi_bmc *bmc, enum ent_ipmi_control what,
                                        struct ent_error *err);

#endif
