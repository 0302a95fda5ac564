#ifndef SESSIOND_CRC32C_H
#define SESSIOND_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Extends a CRC32C (Castagnoli, reflected, polynomial 0x82F63B78) over `length` bytes.
/// Start with `crc = 0`; the usual pre- and post-inversion happen inside, so
/// `sessiond_crc32c(sessiond_crc32c(0, a, n), b, m)` equals the CRC of `a` followed by `b`.
uint32_t sessiond_crc32c(uint32_t crc, const void *bytes, size_t length);

/// 1 when the hardware instruction is in use on this CPU, 0 when the portable table is.
int sessiond_crc32c_hardware(void);

/// The portable table path, whatever the CPU: lets tests compare both paths.
uint32_t sessiond_crc32c_portable(uint32_t crc, const void *bytes, size_t length);

#endif
