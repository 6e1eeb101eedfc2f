/* The built-in plug-ins: monitoring sources and drivers. */
#ifndef ENT_DAEMON_PLUGINS_H
#define ENT_DAEMON_PLUGINS_H

/* Registers every built-in monitoring source and driver; once, later calls do nothing. Every
 * program that opens a source or a driver by name calls it first. */
void ent_plugins_init(void);

#endif
