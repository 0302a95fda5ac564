#ifndef SESSIOND_CLIBCRYPTO_SHIM_H
#define SESSIOND_CLIBCRYPTO_SHIM_H
#include <openssl/sha.h>
#endif
