/* The distribution's layout and the installed one (see layout.h). */
#include "config/layout.h"

#include "install_paths.h"

#include <string.h>
#include <unistd.h>

#define SOURCE_FILE "config/entropy.properties"

static const struct {
    const char *key, *value;
} installed_paths[] = {
    {"daemon.log", ENT_LOCALSTATEDIR "/log/entropy/entropy.log"},
    {"daemon.journal", ENT_LOCALSTATEDIR "/lib/entropy/journal.db"},
    {"daemon.socket", "/run/entropy/entropy.sock"},
    {"api.web_root", ENT_DATADIR "/entropy/web"},
};

const char *ent_config_installed_file(void)
{
    return ENT_SYSCONFDIR "/entropy/entropy.properties";
}

const char *ent_config_default_file(void)
{
    return access(SOURCE_FILE, F_OK) == 0 ? SOURCE_FILE : ent_config_installed_file();
}

const char *ent_config_installed_value(const char *key)
{
    for (size_t i = 0; i < sizeof installed_paths / sizeof *installed_paths; i++)
        if (strcmp(installed_paths[i].key, key) == 0)
            return installed_paths[i].value;
    return NULL;
}
