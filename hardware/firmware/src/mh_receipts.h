/* Memory 2 of PROTOCOL.md §6: the receipts of the most recent pulse parts, by (id, part). */
#ifndef MH_RECEIPTS_H
#define MH_RECEIPTS_H
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint64_t id;
    int64_t pulses_applied;
    uint16_t part;
} mh_receipt;

/* The remembered receipt of (id, part), or NULL. */
const mh_receipt *mh_receipts_find(uint64_t id, uint16_t part);

/* Remembers a receipt, forgetting the oldest when full. Id 0 is never stored (it is refused). */
void mh_receipts_remember(uint64_t id, uint16_t part, int64_t pulses_applied);

/* Forgets everything (board start). */
void mh_receipts_clear(void);

#endif
