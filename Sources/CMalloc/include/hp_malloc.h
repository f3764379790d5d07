#ifndef HOMEPORT_CMALLOC_H
#define HOMEPORT_CMALLOC_H

// malloc_trim(3) is not in Swift's Glibc module: hands the free memory of glibc's heaps back to
// the system. Does nothing with another C library.
void hp_release_free_memory(void);

// Sets glibc's malloc up for a long-running server (mallopt(3)), unless the environment already
// chose (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_):
// - at most `arenas` heaps: glibc's default, eight per core, leaves each thread that ever
//   allocated (the load's workers, the event loops) its own partly used heap;
// - blocks of 128 KiB and more (rendered pages, files read whole) in their own mappings, given
//   back when freed: glibc's default raises that threshold to the largest block freed so far, after
//   which such blocks stay in the heaps.
// Does nothing with another C library.
void hp_tune_for_serving(int arenas);

// Bytes the program holds from malloc (in glibc's heaps and in their own mappings), for
// `homeport check --memory`; -1 with another C library.
long long hp_heap_in_use(void);

#endif
