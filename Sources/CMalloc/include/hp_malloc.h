#ifndef HOMEPORT_CMALLOC_H
#define HOMEPORT_CMALLOC_H

// malloc_trim(3) is not in Swift's Glibc module: hands the free memory of glibc's heaps back to
// the system. Does nothing with another C library.
void hp_release_free_memory(void);

#endif
