/* The xl driver (Xen 4.x and later, no xend): commands run on the source node over ssh, as an
 * administrator would: "xl migrate VM DESTINATION" (always live; xl itself reaches the destination
 * over ssh), "xl shutdown -w", "xl save", "xl restore", "xl create". The node needs root ssh
 * access from Entropy's host and from node to node. */
#ifndef ENT_DRIVERS_XL_H
#define ENT_DRIVERS_XL_H

struct ent_xl_driver_config {
    const char *nodes;      /* "NAME ..." or "NAME=SSH-HOST ...": how ssh reaches each node */
    const char *ssh;        /* the ssh command, split at blanks ("ssh -o BatchMode=yes") */
    double timeout;         /* seconds for commands other than migrate (60) */
    const char *save_dir;   /* for xl save / restore (/var/lib/xen/save) */
    const char *config_dir; /* for xl create NAME.cfg (/etc/xen) */
};

#endif
