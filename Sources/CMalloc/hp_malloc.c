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
