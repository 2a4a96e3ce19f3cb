/*
 * Random numbers for getrandom and AT_RANDOM.  Not cryptographic: a
 * xoshiro256** generator seeded at boot from the time, the instruction
 * counter and the device tree (and re-mixed with the time on each call).
 */
#ifndef SLUICE_RANDOM_H
#define SLUICE_RANDOM_H

#include <sluice/types.h>

void random_seed(uint64_t seed);
uint64_t random_u64(void);
void random_fill(void *buf, size_t n);
/* len random bytes to user memory (getrandom, /dev/urandom): the count
 * copied, or -EFAULT if none could be; a fatal signal cuts it short. */
long random_copy_to_user(char *ubuf, size_t len);

#endif
