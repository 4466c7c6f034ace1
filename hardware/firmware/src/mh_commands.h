/* Executes one checked request (PROTOCOL.md §4), applying the checks of §5.1 steps 4 to 8. */
#ifndef MH_COMMANDS_H
#define MH_COMMANDS_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *payload;    /* where the answer payload goes */
    size_t capacity;     /* = the board's maxPayload */
    size_t length;       /* answer payload length, on success */
    const char *message; /* a plain sentence, on error */
} mh_answer;

/* Returns MH_OK with the answer in *answer, or an error code with answer->message. */
uint16_t mh_execute(uint8_t command, const uint8_t *payload, size_t length, mh_answer *answer);

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
