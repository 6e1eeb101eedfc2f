/* Monotonic time for measuring phases. */
#ifndef ENT_UTIL_CLOCK_H
#define ENT_UTIL_CLOCK_H

/* Seconds on a monotonic clock. */
double ent_now(void);
/* Sleeps that long, resuming after signals. */
void ent_sleep(double seconds);

#endif
