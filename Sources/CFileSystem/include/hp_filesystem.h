#ifndef HOMEPORT_CFILESYSTEM_H
#define HOMEPORT_CFILESYSTEM_H

// statfs(2) is not in Swift's Glibc module; this is the one call Homeport needs from it.
// The f_type magic number of the file system holding `path` (NFS_SUPER_MAGIC 0x6969...), or -1
// with errno set when statfs fails.
long long hp_filesystem_type(const char *path);

#endif
