#ifndef HOMEPORT_CZLIB_SHIM_H
#define HOMEPORT_CZLIB_SHIM_H
#include <zlib.h>
#endif
