#ifndef HOMEPORT_CLIBYAML_SHIM_H
#define HOMEPORT_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
