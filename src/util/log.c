/* Line-oriented log with ISO timestamps; one global sink, as the daemon has one log. */
#include "util/log.h"

#include "util/str.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/private_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static FILE *log_file;
static char *log_path;
static enum ent_log_level log_min = ENT_LOG_INFO;
static int log_echo;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

int ent_mkdir_parents(const char *path)
{
    char *copy = ent_strdup(path);
    int rc = 0;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
            rc = -errno;
            break;
        }
        *p = '/';
    }
    ent_free(copy);
    return rc;
}

static int open_file(struct ent_error *err)
{
    int rc = ent_mkdir_parents(log_path);
    if (rc < 0)
        return ent_error(err, ENT_EIO, "%s: cannot create its folder: %s", log_path, strerror(-rc));
    /* Never through a symbolic link (one left in a shared directory could point at a file of
     * root's); readable by its owner and group only. */
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd >= 0 && (rc = ent_own_file(fd, log_path, 0640, err)) != 0) {
        close(fd); /* another user's file: what we write there would be theirs to read */
        return rc;
    }
    FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!f) {
        rc = ent_error(err, ENT_EIO, "%s: cannot open log: %s", log_path,
                       errno == ELOOP ? "it is a symbolic link" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return 0;
}

int ent_log_open(const char *path, enum ent_log_level min_level, struct ent_error *err)
{
    ent_log_close();
    log_min = min_level;
    if (!path)
        return 0;
    log_path = ent_strdup(path);
    return open_file(err);
}

int ent_log_reopen(struct ent_error *err)
{
    pthread_mutex_lock(&log_lock);
    int rc = 0;
    if (log_path) {
        if (log_file)
            fclose(log_file);
        log_file = NULL;
        rc = open_file(err);
    }
    pthread_mutex_unlock(&log_lock);
    return rc;
}

void ent_log_close(void)
{
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    ent_free(log_path);
    log_path = NULL;
}

void ent_log_set_echo(int enabled)
{
    log_echo = enabled;
}

void ent_log(enum ent_log_level level, const char *fmt, ...)
{
    if (level < log_min)
        return;
    char stamp[40];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp + n, sizeof stamp - n, ".%03ld", ts.tv_nsec / 1000000);

    struct ent_str raw = ENT_STR_INIT, line = ENT_STR_INIT;
    va_list ap;
    va_start(ap, fmt);
    ent_str_vaddf(&raw, fmt, ap);
    va_end(ap);
    /* One record per line whatever a message holds: a control character (a newline in a name
     * from monitoring, an escape sequence) is written as \xNN. */
    for (const char *c = ent_str_cstr(&raw); *c; c++) {
        unsigned char b = (unsigned char)*c;
        if (b < 0x20 || b == 0x7f)
            ent_str_addf(&line, "\\x%02x", b);
        else
            ent_str_addf(&line, "%c", b);
    }
    ent_str_release(&raw);

    pthread_mutex_lock(&log_lock);
    if (log_file)
        fprintf(log_file, "%s %-5s %s\n", stamp, level_names[level], ent_str_cstr(&line));
    if (log_echo || (!log_file && level >= ENT_LOG_WARN))
        fprintf(stderr, "%s %-5s %s\n", stamp, level_names[level], ent_str_cstr(&line));
    pthread_mutex_unlock(&log_lock);
    ent_str_release(&line);
}
