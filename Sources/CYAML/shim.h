#ifndef TRIAGEKIT_CYAML_SHIM_H
#define TRIAGEKIT_CYAML_SHIM_H
#include <yaml.h>
#endif
