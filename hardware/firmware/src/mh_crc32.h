/* CRC-32 of IEEE 802.3 / zlib (reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF). */
#ifndef MH_CRC32_H
#define MH_CRC32_H
#include <stddef.h>
#include <stdint.h>

uint32_t mh_crc32(const uint8_t *data, size_t length);

#endif
