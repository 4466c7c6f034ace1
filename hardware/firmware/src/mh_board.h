/* The board side of the protocol: framing, CRC, the last-answer memory and the receiver's block
 * rules (PROTOCOL.md §1, §2, §6). Feed it every byte the link delivers; it answers through
 * mh_hal_write. One static instance: no heap. */
#ifndef MH_BOARD_H
#define MH_BOARD_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t frames_received; /* valid frames */
    uint32_t bad_blocks;      /* COBS/length/CRC failures, over-long and abandoned partial blocks, looped-back responses */
    uint32_t replays;         /* answered from the last-answer memory */
    uint32_t abandoned;       /* partial blocks dropped after 1 s of silence (also counted in bad_blocks) */
} mh_board_counters;

/* Starts the board: forgets every memory (a reset). */
void mh_board_init(void);

/* Handles received bytes (any split); answers are written before it returns. */
void mh_board_receive(const uint8_t *bytes, size_t count);

const mh_board_counters *mh_board_get_counters(void);

#endif
