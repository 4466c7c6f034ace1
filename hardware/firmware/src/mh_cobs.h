/* Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM Trans. Networking 7(2), 1999). */
#ifndef MH_COBS_H
#define MH_COBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes a block (no delimiters) in place; false if it holds a zero or a run overshoots its end. */
bool mh_cobs_decode_in_place(uint8_t *block, size_t length, size_t *decoded_length);

/* Receives encoded bytes from mh_cobs_encode, a few at a time. */
typedef void (*mh_byte_sink)(const uint8_t *bytes, size_t count);

/* Encodes body to sink without a buffer of its own (runs are looked up in body). Same bytes as
 * the host's encoder: a run of 254 non-zero bytes is always followed by a new code byte. */
void mh_cobs_encode(const uint8_t *body, size_t length, mh_byte_sink sink);

#endif
