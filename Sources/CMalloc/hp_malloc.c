#include "hp_malloc.h"
// Any C library header defines __GLIBC__ on glibc; without one, the test below is always false.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void hp_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void hp_tune_for_serving(int arenas) {
#if defined(__GLIBC__)
    if (getenv("MALLOC_ARENA_MAX") == NULL) {
        mallopt(M_ARENA_MAX, arenas);
    }
    if (getenv("MALLOC_MMAP_THRESHOLD_") == NULL) {
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    }
#endif
}

long long hp_heap_in_use(void) {
#if defined(__GLIBC__)
    struct mallinfo2 info = mallinfo2();
    return (long long)(info.uordblks + info.hblkhd);
#else
    return -1;
#endif
}
