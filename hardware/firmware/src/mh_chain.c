/* The version-2 commands (PROTOCOL.md §4.8-4.11): the analog chain's description, the chain read with
 * perturbation injection and monitor taps, the update from latched activity (exactly once, like every
 * pulse), and the cost description (the HAL's, mh_hal_costs). Checks in the order of §5.1. */
#include "mh_bytes.h"
#include "mh_commands.h"
#include "mh_config.h"
#include "mh_hal.h"
#include "mh_protocol.h"
#include "mh_receipts.h"
#include <math.h>

/* Result rows the last executed READ_CHAIN latched (0 until one ran since the board started). */
static uint32_t latched_rows;

void mh_chain_reset(void) { latched_rows = 0; }

static uint16_t describe_chain(size_t length, mh_answer *a)
{
    if (length != 0) return mh_fail(a, MH_MALFORMED_PAYLOAD, "DESCRIBE_CHAIN takes no payload");
    const mh_chain_info *c = mh_hal_chain();
    uint8_t *p = a->payload;
    if (!c) { /* a board without a chain says so: one byte 0 */
        p[0] = 0;
        a->length = 1;
        return MH_OK;
    }
    memset(p, 0, 64);
    p[0] = 1;
    p[1] = (uint8_t)((c->injection_bits ? 1u : 0u) | (c->tap_bits ? 2u : 0u) | (c->latched_updates ? 4u : 0u));
    p[2] = c->stage_count;
    p[3] = c->output_adc_bits;
    p[4] = c->injection_bits;
    p[5] = c->tap_bits;
    mh_put_f64(p + 8, c->neuron_input_full_scale_amps);
    mh_put_f64(p + 16, c->neuron_output_full_scale_volts);
    mh_put_f64(p + 24, c->bias_volts);
    mh_put_f64(p + 32, c->output_adc_full_scale_amps);
    mh_put_f64(p + 40, c->injection_bits ? c->injection_full_scale_amps : 0.0);
    mh_put_f64(p + 48, c->injection_bits ? c->injection_noise_amps : 0.0);
    mh_put_f64(p + 56, c->tap_bits ? c->tap_full_scale_volts : 0.0);
    for (uint8_t s = 0; s < c->stage_count; s++) {
        const mh_chain_stage *st = &c->stages[s];
        uint8_t *q = p + 64u + 14u * s;
        mh_put_u16(q, st->tile);
        mh_put_u16(q + 2, st->row0);
        mh_put_u16(q + 4, st->rows);
        mh_put_u16(q + 6, st->column0);
        mh_put_u16(q + 8, st->columns);
        q[10] = (uint8_t)st->source;
        q[11] = (uint8_t)((st->bias_row ? 1u : 0u) | (st->adc_sink ? 2u : 0u));
        mh_put_u16(q + 12, 0);
    }
    a->length = 64u + 14u * c->stage_count;
    return MH_OK;
}

static uint16_t read_chain(const uint8_t *q, size_t length, mh_answer *a)
{
    const mh_chain_info *c = mh_hal_chain();
    if (!c) return mh_fail(a, MH_LIMIT_REFUSED, "this board describes no analog chain");
    if (length < 8) return mh_fail(a, MH_MALFORMED_PAYLOAD, "READ_CHAIN payload is shorter than its fixed part");
    uint32_t batch = mh_get_u32(q);
    uint16_t repeats = mh_get_u16(q + 4);
    uint8_t flags = q[6];
    bool injected = (flags & 1u) != 0, tapped = (flags & 2u) != 0;
    uint64_t rows = (uint64_t)batch * repeats; /* < 2^48 */
    /* Compared by division, so no product of hostile field values can overflow into a match. */
    uint64_t input_bytes = 4u * (uint64_t)batch * c->inputs, rest = (uint64_t)length - 8u;
    bool fits = input_bytes <= rest && (injected
        ? c->neurons > 0 && (rest - input_bytes) % (4u * (uint64_t)c->neurons) == 0 && (rest - input_bytes) / (4u * (uint64_t)c->neurons) == rows
        : rest == input_bytes);
    if (!fits) return mh_fail(a, MH_MALFORMED_PAYLOAD, "READ_CHAIN payload length does not match its batch, repeats and injection");
    const mh_board_info *info = mh_hal_info();
    if (batch == 0 || repeats == 0 || rows > info->max_batch)
        return mh_fail(a, MH_LIMIT_REFUSED, "batch and repeats must be at least 1 and their product at most the board's batch limit");
    if (injected && !c->injection_bits) return mh_fail(a, MH_LIMIT_REFUSED, "this chain has no perturbation injection");
    if (tapped && !c->tap_bits) return mh_fail(a, MH_LIMIT_REFUSED, "this chain has no monitor taps");
    const uint8_t *inputs = q + 8;
    const uint8_t *injection = inputs + 4u * (uint64_t)batch * c->inputs;
    if (injected) {
        float full = (float)c->injection_full_scale_amps; /* compared in f32 (PROTOCOL.md §4.1) */
        for (uint64_t i = 0; i < rows * c->neurons; i++)
            if (!(fabsf(mh_get_f32(injection + 4u * i)) <= full)) return mh_fail(a, MH_LIMIT_REFUSED, "an injection current is outside the injection DACs' range");
    }
    float vmax = fminf((float)info->dac_full_scale_volts, (float)info->max_read_volts);
    for (uint64_t i = 0; i < (uint64_t)batch * c->inputs; i++)
        if (!(fabsf(mh_get_f32(inputs + 4u * i)) <= vmax)) return mh_fail(a, MH_LIMIT_REFUSED, "an input is outside the safe read range");
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint64_t answer_length = 8u + 4u * rows * (c->outputs + (tapped ? c->neurons : 0u));
    if (answer_length > a->capacity) return mh_fail(a, MH_TOO_LARGE, "the answer would exceed the board's payload limit");
    uint8_t *p = a->payload;
    mh_put_u32(p, (uint32_t)rows);
    p[4] = tapped ? 1u : 0u;
    p[5] = 0;
    mh_put_u16(p + 6, 0);
    uint8_t *outputs_at = p + 8, *taps_at = p + 8 + 4u * rows * c->outputs;
    /* One result row at a time through staging arrays: no buffer grows with the batch. */
    float volts[MH_MAX_TILE_ROWS], amps[MH_MAX_CHAIN_NEURONS], out[MH_MAX_CHAIN_OUTPUTS], taps[MH_MAX_CHAIN_NEURONS];
    for (uint32_t b = 0; b < batch; b++) {
        for (uint16_t i = 0; i < c->inputs; i++) volts[i] = mh_get_f32(inputs + 4u * ((uint64_t)b * c->inputs + i));
        for (uint16_t r = 0; r < repeats; r++) {
            uint32_t row = b * repeats + r;
            if (injected)
                for (uint16_t k = 0; k < c->neurons; k++) amps[k] = mh_get_f32(injection + 4u * ((uint64_t)row * c->neurons + k));
            mh_hal_chain_read(row, volts, injected ? amps : NULL, out, tapped ? taps : NULL);
            for (uint16_t j = 0; j < c->outputs; j++) mh_put_f32(outputs_at + 4u * ((uint64_t)row * c->outputs + j), out[j]);
            if (tapped)
                for (uint16_t k = 0; k < c->neurons; k++) mh_put_f32(taps_at + 4u * ((uint64_t)row * c->neurons + k), taps[k]);
        }
    }
    latched_rows = (uint32_t)rows; /* this read's rows replace the latch (PROTOCOL.md §4.9) */
    mh_wear_add(0, (int64_t)rows, 0);
    a->length = (size_t)answer_length;
    return MH_OK;
}

/* SplitMix64 (Steele, Lea, Flood 2014): the row trains' random source, seeded by the request id so the same
 * request on the same latch draws the same trains (PROTOCOL.md §4.10). */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint16_t pulse_latched(const uint8_t *q, size_t length, mh_answer *a)
{
    const mh_chain_info *c = mh_hal_chain();
    if (!c) return mh_fail(a, MH_LIMIT_REFUSED, "this board describes no analog chain");
    if (length < 32) return mh_fail(a, MH_MALFORMED_PAYLOAD, "PULSE_LATCHED payload is shorter than its fixed part");
    uint64_t id = mh_get_u64(q);
    float amplitude = mh_get_f32(q + 8), width = mh_get_f32(q + 12);
    uint16_t stage = mh_get_u16(q + 16), columns = mh_get_u16(q + 18);
    uint32_t example = mh_get_u32(q + 20);
    float probability = mh_get_f32(q + 24);
    uint8_t slots = q[28];
    if ((uint64_t)length != 32u + 9u * (uint64_t)columns) return mh_fail(a, MH_MALFORMED_PAYLOAD, "PULSE_LATCHED payload length does not match its column count");
    const mh_board_info *info = mh_hal_info();
    if (!info->outer_product || !c->latched_updates) return mh_fail(a, MH_LIMIT_REFUSED, "this chain cannot update from latched activity");
    if (id == 0) return mh_fail(a, MH_LIMIT_REFUSED, "pulse request id must be non-zero");
    if (stage >= c->stage_count) return mh_fail(a, MH_LIMIT_REFUSED, "the chain stage does not exist");
    const mh_chain_stage *st = &c->stages[stage];
    if (columns != st->columns) return mh_fail(a, MH_LIMIT_REFUSED, "the column count is not the stage's");
    const char *why = mh_pulse_refusal(amplitude, width, info);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    if (example >= latched_rows) return mh_fail(a, MH_LIMIT_REFUSED, "the result row was not in the last chain read");
    if (!(probability >= 0.0f && probability <= 1.0f)) return mh_fail(a, MH_LIMIT_REFUSED, "the row probability is outside 0..1");
    uint64_t mask = 0;
    why = mh_slots_refusal(slots, info, &mask);
    const uint8_t *column_trains = q + 32, *column_polarity = column_trains + 8u * columns;
    if (!why) why = mh_trains_refusal(column_trains, column_polarity, columns, mask, 0);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint8_t duplicate = 0;
    int64_t total = 0;
    const mh_receipt *first = mh_receipts_find(id, 0);
    if (first) {
        duplicate = 1;
        total = first->pulses_applied;
        mh_wear_add(0, 0, 1);
    } else {
        /* Row i fires in each slot with probability p |v_i| / F, F the larger of the bias voltage and the rows' full scale. */
        float full = st->source < 0 ? fminf((float)info->dac_full_scale_volts, (float)info->max_read_volts) : (float)c->neuron_output_full_scale_volts;
        full = fmaxf(full, (float)c->bias_volts);
        uint64_t state = id;
        for (uint16_t r = 0; r < st->rows; r++) {
            float v = mh_hal_chain_latched((uint8_t)stage, example, r);
            if (v == 0.0f) continue;
            float chance = fminf(1.0f, probability * fabsf(v) / full);
            uint64_t train = 0;
            for (uint8_t t = 0; t < slots; t++)
                if ((float)(splitmix64(&state) >> 40) * (1.0f / 16777216.0f) < chance) train |= (uint64_t)1 << t;
            if (train == 0) continue;
            int row_polarity = v > 0.0f ? 1 : -1;
            for (uint16_t k = 0; k < columns; k++) {
                int sign = row_polarity * (int8_t)column_polarity[k];
                int n = mh_popcount64(train & mh_get_u64(column_trains + 8u * k));
                if (sign == 0 || n == 0) continue;
                mh_hal_pulse_cell(st->tile, (uint16_t)(st->row0 + r), (uint16_t)(st->column0 + k), sign * n, amplitude, width);
                total += n;
            }
        }
        mh_wear_add(total, 0, 0);
        mh_receipts_remember(id, 0, total);
    }
    mh_put_u64(a->payload, id);
    mh_put_u16(a->payload + 8, 0);
    a->payload[10] = duplicate;
    a->payload[11] = 0;
    mh_put_u64(a->payload + 12, (uint64_t)total);
    a->length = 20;
    return MH_OK;
}

/* PROTOCOL.md §4.11: 1, 7 reserved bytes, ten f64 (joules, then seconds), the source as u16 length + UTF-8, cut at a
 * character boundary to fit the answer (the board's maxPayload). */
static uint16_t describe_costs(size_t length, mh_answer *a)
{
    if (length != 0) return mh_fail(a, MH_MALFORMED_PAYLOAD, "DESCRIBE_COSTS takes no payload");
    const mh_costs *c = mh_hal_costs();
    if (!c) {
        a->payload[0] = 0;
        a->length = 1;
        return MH_OK;
    }
    uint8_t *p = a->payload;
    p[0] = 1;
    for (int i = 1; i < 8; i++) p[i] = 0;
    const double v[10] = {
        c->dac_conversion_joules, c->adc_conversion_joules, c->chain_adc_conversion_joules, c->tap_conversion_joules,
        c->injection_conversion_joules, c->cell_read_joules, c->neuron_joules, c->pulse_joules,
        c->window_read_seconds, c->chain_stage_seconds,
    };
    for (int i = 0; i < 10; i++) mh_put_f64(p + 8 + 8 * i, v[i]);
    size_t fixed = 8 + 10 * 8 + 2, n = 0;
    const char *source = c->source ? c->source : "";
    while (source[n] != '\0') n++;
    size_t room = a->capacity - fixed;
    if (room > 65535u) room = 65535u;
    if (n > room) {
        n = room;
        while (n > 0 && ((uint8_t)source[n] & 0xC0u) == 0x80u) n--; /* never split a multi-byte character */
    }
    mh_put_u16(p + 88, (uint16_t)n);
    for (size_t i = 0; i < n; i++) p[fixed + i] = (uint8_t)source[i];
    a->length = fixed + n;
    return MH_OK;
}

uint16_t mh_execute_chain(uint8_t command, const uint8_t *payload, size_t length, mh_answer *a)
{
    switch (command) {
    case MH_CMD_DESCRIBE_CHAIN: return describe_chain(length, a);
    case MH_CMD_READ_CHAIN: return read_chain(payload, length, a);
    case MH_CMD_PULSE_LATCHED: return pulse_latched(payload, length, a);
    case MH_CMD_DESCRIBE_COSTS: return describe_costs(length, a);
    default: return mh_fail(a, MH_UNKNOWN_COMMAND, "unknown command");
    }
}
