#ifndef HOMEPORT_CFILESYSTEM_H
#define HOMEPORT_CFILESYSTEM_H

// statfs(2) is not in Swift's Glibc module; this is the one call Homeport needs from it.
// The f_type magic number of the file system holding `path` (NFS_SUPER_MAGIC 0x6969...), or -1
// with errno set when statfs fails.
long long hp_filesystem_type(const char *path);

// openat(2) of an absolute `path` that fails with ELOOP if any component of it is a symbolic
// link, in one call (openat2 with RESOLVE_NO_SYMLINKS). -1 with errno ENOSYS where the kernel or
// a seccomp profile lacks openat2: the caller then walks the path one component at a time.
int hp_open_without_links(const char *path, int flags);

#endif
