/* Executes one checked request (PROTOCOL.md §4), applying the checks of §5.1 steps 4 to 8. */
#ifndef MH_COMMANDS_H
#define MH_COMMANDS_H
#include <stddef.h>
#include <stdint.h>
#include "mh_hal.h"

typedef struct {
    uint8_t *payload;    /* where the answer payload goes */
    size_t capacity;     /* = the board's maxPayload */
    size_t length;       /* answer payload length, on success */
    const char *message; /* a plain sentence, on error */
} mh_answer;

/* Returns MH_OK with the answer in *answer, or an error code with answer->message. `version` is the
 * request's header version (1 or 2): the version-2 commands are unknown in a version-1 frame. */
uint16_t mh_execute(uint8_t version, uint8_t command, const uint8_t *payload, size_t length, mh_answer *answer);

/* The version-2 chain and cost commands (mh_chain.c), and forgetting the latch at board start. */
uint16_t mh_execute_chain(uint8_t command, const uint8_t *payload, size_t length, mh_answer *answer);
void mh_chain_reset(void);

/* Shared by the command files: an error answer, the pulse amplitude/width check (NULL if allowed), a
 * population count, and the board-wide wear counters. */
uint16_t mh_fail(mh_answer *a, uint16_t code, const char *message);
const char *mh_pulse_refusal(float amplitude, float width, const mh_board_info *info);
int mh_popcount64(uint64_t x);
/* The pulse-train checks of PULSE_OUTER and CHAIN_PULSE (PROTOCOL.md): a slot count in 1..64 within the board's per-cell
 * limit (sets *mask to its slots), and n trains of 8 bytes followed by n polarities, each train within the mask and
 * each polarity -1, 0 or +1. `rows` names the trains in the refusal (row or column). NULL if allowed. */
const char *mh_slots_refusal(uint8_t slots, const mh_board_info *info, uint64_t *mask);
const char *mh_trains_refusal(const uint8_t *trains, const uint8_t *polarity, uint16_t n, uint64_t mask, int rows);
void mh_wear_add(int64_t pulses, int64_t reads, uint32_t duplicates);

/* Board-wide counters HEALTH reports (besides the link counters). */
typedef struct {
    int64_t total_pulses, total_reads;
    uint32_t duplicate_pulses;
} mh_wear;

const mh_wear *mh_commands_wear(void);

/* Set by the frame layer before HEALTH so the answer carries the link counters. */
typedef struct {
    uint32_t frames_received, bad_blocks, replays;
} mh_link_view;
void mh_commands_set_link(const mh_link_view *link);

#endif
