/* Where the configuration and the daemon's state live. Two layouts: the distribution's, as the
 * original Entropy had it (base/config/entropy.properties, bin/controlLoop.sh; paths relative to
 * base), and the installed one (meson install, the Debian package): the file in
 * SYSCONFDIR/entropy, the journal in LOCALSTATEDIR/lib/entropy, the log in
 * LOCALSTATEDIR/log/entropy, the socket in /run/entropy, the dashboard in DATADIR/entropy/web. */
#ifndef ENT_CONFIG_LAYOUT_H
#define ENT_CONFIG_LAYOUT_H

/* The configuration the commands read without --config: config/entropy.properties from the
 * working directory when there is one, else the installed SYSCONFDIR/entropy/entropy.properties. */
const char *ent_config_default_file(void);
/* The installed file. */
const char *ent_config_installed_file(void);
/* What the installed file sets key to where it differs from the table's default (a path of the
 * installed layout), NULL elsewhere. */
const char *ent_config_installed_value(const char *key);

#endif
