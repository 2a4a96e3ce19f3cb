/*
 * ramfs's cache of pages made from the initramfs archive for private
 * mappings of files still read in place (ramfs_rom.c).  The caller holds
 * the file's ramfs mutex for each call.
 */
#ifndef SLUICE_FS_RAMFS_ROM_H
#define SLUICE_FS_RAMFS_ROM_H

#include <sluice/types.h>

struct rom_cache;

/* The cache of a file of size bytes (made when the archive is unpacked,
 * so that the tests' page counts see it before they start), or NULL: no
 * memory, or nothing to cache. */
struct rom_cache *rom_cache_new(uint64_t size);

/* Page pg of the file whose size bytes lie at rom, with an owner more for
 * the caller (a mapping): the one in rc, made now if it has none; without
 * rc, a copy of the caller's own.  0 or -ENOMEM. */
int rom_cache_page(struct rom_cache *rc, const uint8_t *rom, uint64_t size, uint64_t pg,
		   paddr_t *pa);

/* The cache's page pg if it holds one already (fault-around: no copy from
 * the archive): 0 with one owner more for the caller, else -ENOENT. */
int rom_cache_cached(struct rom_cache *rc, uint64_t pg, paddr_t *pa);

/* Take page pg out of the cache (the file now owns it, with the cache's
 * reference), or NULL if it has none. */
uint8_t *rom_cache_take(struct rom_cache *rc, uint64_t pg);

/* Drop the cache (NULL: nothing) and its references to its pages. */
void rom_cache_free(struct rom_cache *rc);

#endif
