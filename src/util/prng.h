/* A small deterministic generator (splitmix64) so that simulations and searches repeat for a seed.
 */
#ifndef ENT_UTIL_PRNG_H
#define ENT_UTIL_PRNG_H

#include <stdint.h>

struct ent_prng {
    uint64_t state;
};

void ent_prng_init(struct ent_prng *rng, uint64_t seed);
uint64_t ent_prng_next(struct ent_prng *rng);
/* Uniform in [0, bound), bound > 0. */
uint64_t ent_prng_below(struct ent_prng *rng, uint64_t bound);
/* Uniform in [0, 1). */
double ent_prng_unit(struct ent_prng *rng);

#endif
