#include "mh_receipts.h"
#include "mh_config.h"
#include <stddef.h>

/* A ring: the slot after the newest is the oldest. Id 0 marks an empty slot (a valid id is never 0). */
static mh_receipt ring[MH_REMEMBERED_PULSES];
static uint32_t next_slot;

const mh_receipt *mh_receipts_find(uint64_t id, uint16_t part)
{
    if (id == 0) return NULL;
    /* A linear scan of 256 entries costs microseconds next to one pulse; no index needed. */
    for (uint32_t i = 0; i < MH_REMEMBERED_PULSES; i++)
        if (ring[i].id == id && ring[i].part == part) return &ring[i];
    return NULL;
}

void mh_receipts_remember(uint64_t id, uint16_t part, int64_t pulses_applied)
{
    if (id == 0 || mh_receipts_find(id, part) != NULL) return;
    ring[next_slot].id = id;
    ring[next_slot].part = part;
    ring[next_slot].pulses_applied = pulses_applied;
    next_slot = (next_slot + 1u) % MH_REMEMBERED_PULSES;
}

void mh_receipts_clear(void)
{
    for (uint32_t i = 0; i < MH_REMEMBERED_PULSES; i++) ring[i].id = 0;
    next_slot = 0;
}
