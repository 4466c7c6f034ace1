#include "mh_cobs.h"

bool mh_cobs_decode_in_place(uint8_t *block, size_t length, size_t *decoded_length)
{
    size_t read = 0, written = 0;
    while (read < length) {
        uint8_t code = block[read++];
        if (code == 0) return false;
        size_t run = (size_t)code - 1u;
        if (read + run > length) return false;
        /* written <= read - 1 at all times, so the copy never overtakes the bytes still to read. */
        for (size_t i = 0; i < run; i++) {
            uint8_t b = block[read + i];
            if (b == 0) return false;
            block[written++] = b;
        }
        read += run;
        if (code != 0xFFu && read < length) block[written++] = 0;
    }
    *decoded_length = written;
    return true;
}

void mh_cobs_encode(const uint8_t *body, size_t length, mh_byte_sink sink)
{
    size_t pos = 0;
    for (;;) {
        size_t run = 0;
        while (pos + run < length && body[pos + run] != 0 && run < 254u) run++;
        uint8_t code = (uint8_t)(run + 1u);
        sink(&code, 1);
        if (run > 0) sink(body + pos, run);
        pos += run;
        if (run == 254u) {
            if (pos >= length) { uint8_t one = 1; sink(&one, 1); return; }
            continue; /* a full run implies no zero: the next code starts right here */
        }
        if (pos >= length) return;
        pos++; /* the zero this run's code stands for */
        if (pos >= length) { uint8_t one = 1; sink(&one, 1); return; }
    }
}
