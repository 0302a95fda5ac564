#ifndef SESSIOND_CZSTD_SHIM_H
#define SESSIOND_CZSTD_SHIM_H
#include <zstd.h>
#include <zdict.h>
#endif
