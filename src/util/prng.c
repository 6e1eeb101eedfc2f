/* splitmix64 (Steele, Lea, Flood 2014). */
#include "util/prng.h"

void ent_prng_init(struct ent_prng *rng, uint64_t seed)
{
    rng->state = seed;
}

uint64_t ent_prng_next(struct ent_prng *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t ent_prng_below(struct ent_prng *rng, uint64_t bound)
{
    return ent_prng_next(rng) % bound;
}

double ent_prng_unit(struct ent_prng *rng)
{
    return (double)(ent_prng_next(rng) >> 11) * 0x1.0p-53;
}
