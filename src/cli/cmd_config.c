/* entropy config: the configuration file's keys, and whether a file is right. */
#include "cli/cli.h"
#include "config/config_docs.h"
#include "config/properties.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int ent_cmd_config(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--defaults") == 0) {
        ent_config_write_defaults(stdout, false);
        return ENT_EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "--defaults") == 0 && strcmp(argv[2], "--installed") == 0) {
        ent_config_write_defaults(stdout, true);
        return ENT_EXIT_OK;
    }
    if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
        ent_config_write_markdown(stdout);
        return ENT_EXIT_OK;
    }
    if (argc == 2 && strcmp(argv[1], "--man") == 0) {
        ent_config_write_man(stdout);
        return ENT_EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-')
        return ent_cli_fail(
            "config", "expects --defaults [--installed], --markdown, --man or FILE (see entropy "
                      "config --help)");
    struct ent_config c;
    ent_config_init(&c);
    struct ent_error err;
    ent_error_init(&err);
    json_t *doc = NULL;
    int status = ENT_EXIT_OK;
    if (ent_config_load(&c, argv[1], &err)) {
        status = ent_cli_fail("config", "%s", err.msg);
        goto cleanup;
    }
    doc = json_object();
    for (size_t i = 0; i < ent_config_n_keys; i++)
        if (ent_config_keys[i].type != ENT_CFG_FAMILY)
            json_object_set_new(doc, ent_config_keys[i].name,
                                json_pack("{s:s, s:i}", "value", c.values[i], "line", c.lines[i]));
    for (size_t i = 0; i < c.n_entries; i++)
        json_object_set_new(
            doc, c.entries[i].key,
            json_pack("{s:s, s:i}", "value", c.entries[i].value, "line", c.entries[i].line));
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
cleanup:
    json_decref(doc);
    ent_config_release(&c);
    return status;
}
