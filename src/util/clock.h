/* Monotonic time for measuring phases, wall time for records, deadlines for timed waits. */
#ifndef ENT_UTIL_CLOCK_H
#define ENT_UTIL_CLOCK_H

#include <time.h>

/* Seconds on a monotonic clock. */
double ent_now(void);
/* Sleeps that long, resuming after signals. */
void ent_sleep(double seconds);
/* Seconds since the epoch (the wall clock, for what is recorded). */
double ent_wall_now(void);
/* The time on clock (CLOCK_REALTIME, CLOCK_MONOTONIC) seconds from now, as
 * pthread_cond_timedwait takes it. */
struct timespec ent_timespec_in(clockid_t clock, double seconds);

#endif
