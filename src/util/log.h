/* The log: one line per event, timestamped, to a file (logs/entropy.log) and optionally stderr. */
#ifndef ENT_UTIL_LOG_H
#define ENT_UTIL_LOG_H

enum ent_log_level { ENT_LOG_DEBUG, ENT_LOG_INFO, ENT_LOG_WARN, ENT_LOG_ERROR };

/* Opens (appending, creating parent folders) the log file; NULL path logs to stderr only.
 * Returns 0 or a negative code with the detail in err. */
struct ent_error;
int ent_log_open(const char *path, enum ent_log_level min_level, struct ent_error *err);
/* Reopens the same path, for log rotation. */
int ent_log_reopen(struct ent_error *err);
void ent_log_close(void);
/* Also copy lines at or above level to stderr (quiet = beyond ERROR). */
void ent_log_set_echo(int enabled);

void ent_log(enum ent_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ent_debug(...)     ent_log(ENT_LOG_DEBUG, __VA_ARGS__)
#define ent_info(...)      ent_log(ENT_LOG_INFO, __VA_ARGS__)
#define ent_warn(...)      ent_log(ENT_LOG_WARN, __VA_ARGS__)
#define ent_log_error(...) ent_log(ENT_LOG_ERROR, __VA_ARGS__)

/* Creates every missing folder of path's parent. Returns 0 or -errno. */
int ent_mkdir_parents(const char *path);

#endif
