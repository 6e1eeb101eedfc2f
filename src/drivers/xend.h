/* The xend driver (Xen 3.x): live migration by POST /xend/domain/NAME op=migrate to the source
 * node's xend HTTP server. xend answers when the migration has ended, so the request has the
 * migration's timeout; xend cannot cancel one, so after a timeout the VM is looked for on both
 * nodes. xend reports no figures: the time is measured, the downtime unknown. Needs on every node,
 * in /etc/xen/xend-config.sxp: (xend-http-server yes), (xend-port 8000),
 * (xend-relocation-server yes), (xend-relocation-port 8002) and a (xend-relocation-hosts-allow
 * '...') that admits the other nodes. */
#ifndef ENT_DRIVERS_XEND_H
#define ENT_DRIVERS_XEND_H

struct ent_xend_driver_config {
    const char *nodes;    /* "URL ..." or "NAME=URL ...": each node's xend, e.g.
                             http://node-1:8000; without NAME= the node is named as its xend
                             says ((host ...) of /xend/node) */
    int relocation_port;  /* the destination's xend-relocation-port (8002) */
    double timeout;       /* seconds for requests other than migrate (10) */
    const char *save_dir; /* where suspend (op=save) writes images (/var/lib/xen/save) */
};

#endif
