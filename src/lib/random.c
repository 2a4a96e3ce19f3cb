/* xoshiro256** (Blackman and Vigna), seeded through splitmix64: see <sluice/random.h>. */
#include <sluice/errno.h>
#include <sluice/random.h>
#include <sluice/riscv.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/uaccess.h>

static uint64_t state[4] = {1, 2, 3, 4};
static struct spinlock random_lock = SPINLOCK_INIT;

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void random_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		state[i] ^= splitmix64(&seed);
}

uint64_t random_u64(void)
{
	unsigned long flags = spin_lock_irqsave(&random_lock);
	uint64_t result = rotl(state[1] * 5, 7) * 9;
	uint64_t t = state[1] << 17;

	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	state[0] ^= read_time(); /* stir in timing each call */
	spin_unlock_irqrestore(&random_lock, flags);
	return result;
}

void random_fill(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		uint64_t r = random_u64();
		size_t k = MIN(n, sizeof(r));
		memcpy(p, &r, k);
		p += k;
		n -= k;
	}
}

long random_copy_to_user(char *ubuf, size_t len)
{
	uint8_t chunk[256];
	size_t done = 0;

	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		random_fill(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (fatal_signal_pending())
			break; /* a long copy: SIGKILL ends it (the count no longer matters) */
	}
	return (long)done;
}
