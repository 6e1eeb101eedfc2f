/* The SXP domain configuration `xm create` sends xend (Xen 3.x, create.py's make_config) for the
 * settings of a Xen domain configuration file: what the xend driver creates a defined VM from. */
#ifndef ENT_DRIVERS_XM_CONFIG_H
#define ENT_DRIVERS_XM_CONFIG_H

#include "util/error.h"

struct ent_vm_definition;

/* A new string (free with ent_free), or NULL with err set: a setting xend 3.x cannot take (a
 * disk in xl's key=value syntax, a vif key xm refuses, nfs_root without nfs_server, no kernel
 * and no bootloader) is refused, naming the file and the setting. */
char *ent_xm_config_sxp(const struct ent_vm_definition *def, struct ent_error *err)
    __attribute__((warn_unused_result));

#endif
