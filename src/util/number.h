/* Numbers read from outside (monitoring metrics, hypervisor answers): finite, within a range,
 * the whole text a number (blanks around it allowed). strtod alone accepts "nan", "inf" and
 * 1e300, which no float-to-integer conversion survives. */
#ifndef ENT_UTIL_NUMBER_H
#define ENT_UTIL_NUMBER_H

#include <stdbool.h>

/* Whether text is a finite number in [lo, hi]; then *out holds it (else *out is untouched). */
bool ent_number_in(const char *text, double lo, double hi, double *out);

#endif
