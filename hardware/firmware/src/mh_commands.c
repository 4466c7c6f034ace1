#include "mh_commands.h"
#include "mh_bytes.h"
#include "mh_config.h"
#include "mh_hal.h"
#include "mh_protocol.h"
#include "mh_receipts.h"
#include <math.h>

static mh_wear wear;
static mh_link_view link_view;

const mh_wear *mh_commands_wear(void) { return &wear; }
void mh_wear_add(int64_t pulses, int64_t reads, uint32_t duplicates)
{
    wear.total_pulses += pulses;
    wear.total_reads += reads;
    wear.duplicate_pulses += duplicates;
}
void mh_commands_set_link(const mh_link_view *link) { link_view = *link; }

uint16_t mh_fail(mh_answer *a, uint16_t code, const char *message)
{
    a->message = message;
    return code;
}

typedef struct {
    uint16_t tile, row0, rows, column0, columns;
} window_t;

static window_t get_window(const uint8_t *p)
{
    window_t w = { mh_get_u16(p), mh_get_u16(p + 2), mh_get_u16(p + 4), mh_get_u16(p + 6), mh_get_u16(p + 8) };
    return w;
}

/* PROTOCOL.md §5.1: the window lies on one tile and is not empty. */
static const char *window_refusal(const window_t *w, const mh_board_info *info)
{
    if (w->tile >= info->tiles) return "the tile does not exist";
    if (w->rows == 0 || w->columns == 0) return "the window is empty";
    if ((uint32_t)w->row0 + w->rows > info->rows || (uint32_t)w->column0 + w->columns > info->columns)
        return "the window runs off the tile";
    return NULL;
}

/* PROTOCOL.md §4.1: limits are rounded to f32 and compared with the f32 fields. NaN fails every test. */
const char *mh_pulse_refusal(float amplitude, float width, const mh_board_info *info)
{
    if (!(amplitude > 0.0f && amplitude <= (float)info->max_pulse_volts)) return "pulse amplitude outside the safe range";
    if (!(width >= (float)info->min_pulse_width_s && width <= (float)info->max_pulse_width_s)) return "pulse width outside the safe range";
    return NULL;
}

const char *mh_slots_refusal(uint8_t slots, const mh_board_info *info, uint64_t *mask)
{
    if (slots < 1 || slots > 64) return "slot count outside 1..64";
    if (slots > info->max_pulses_per_cell) return "slot count exceeds the per-cell pulse limit";
    *mask = slots == 64 ? ~(uint64_t)0 : (((uint64_t)1 << slots) - 1u);
    return NULL;
}

const char *mh_trains_refusal(const uint8_t *trains, const uint8_t *polarity, uint16_t n, uint64_t mask, int rows)
{
    for (uint16_t k = 0; k < n; k++) {
        if (mh_get_u64(trains + 8u * k) & ~mask)
            return rows ? "a row train uses a slot beyond the slot count" : "a column train uses a slot beyond the slot count";
        int8_t p = (int8_t)polarity[k];
        if (p < -1 || p > 1) return rows ? "a row polarity is not -1, 0 or +1" : "a column polarity is not -1, 0 or +1";
    }
    return NULL;
}

static size_t put_string(uint8_t *p, const char *s)
{
    size_t n = strlen(s);
    if (n > 255u) n = 255u;
    p[0] = (uint8_t)n;
    memcpy(p + 1, s, n);
    return n + 1u;
}

static uint16_t describe(size_t length, mh_answer *a)
{
    if (length != 0) return mh_fail(a, MH_MALFORMED_PAYLOAD, "DESCRIBE takes no payload");
    const mh_board_info *info = mh_hal_info();
    uint8_t *p = a->payload;
    memset(p, 0, 108);
    p[0] = MH_PROTOCOL_VERSION; /* the highest version this board speaks */
    mh_put_u32(p + 4, (uint32_t)a->capacity);
    mh_put_u16(p + 8, info->tiles);
    mh_put_u16(p + 10, info->rows);
    mh_put_u16(p + 12, info->columns);
    p[14] = info->dac_bits;
    p[15] = info->adc_bits;
    mh_put_f64(p + 16, info->dac_full_scale_volts);
    mh_put_f64(p + 24, info->adc_full_scale_amps);
    mh_put_f64(p + 32, info->max_read_volts);
    mh_put_f64(p + 40, info->max_pulse_volts);
    mh_put_f64(p + 48, info->min_pulse_width_s);
    mh_put_f64(p + 56, info->max_pulse_width_s);
    mh_put_u32(p + 64, info->max_pulses_per_cell);
    mh_put_u32(p + 68, info->max_batch);
    mh_put_f64(p + 72, info->g_min_siemens);
    mh_put_f64(p + 80, info->g_max_siemens);
    /* Bit 1: an analog chain (DESCRIBE_CHAIN). Bit 2: operation costs stated (DESCRIBE_COSTS). */
    p[88] = (uint8_t)((info->outer_product ? 1u : 0u) | (mh_hal_chain() ? 2u : 0u) | (mh_hal_costs() ? 4u : 0u));
    p[89] = (uint8_t)((info->relu ? 1u : 0u) | (info->tanh ? 2u : 0u));
    mh_put_f64(p + 92, info->nominal_pulse_volts);
    mh_put_f64(p + 100, info->nominal_pulse_width_s);
    size_t n = 108;
    n += put_string(p + n, info->serial_number);
    n += put_string(p + n, info->kind);
    n += put_string(p + n, info->firmware);
    a->length = n;
    return MH_OK;
}

static uint16_t read_command(const uint8_t *q, size_t length, mh_answer *a)
{
    if (length < 16) return mh_fail(a, MH_MALFORMED_PAYLOAD, "READ payload is shorter than its fixed part");
    window_t w = get_window(q);
    uint8_t activation = q[10];
    uint32_t batch = mh_get_u32(q + 12);
    if ((uint64_t)length != 16u + 4u * (uint64_t)batch * w.rows)
        return mh_fail(a, MH_MALFORMED_PAYLOAD, "READ payload length does not match its batch and window");
    const mh_board_info *info = mh_hal_info();
    const char *why = window_refusal(&w, info);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    if (batch == 0 || batch > info->max_batch) return mh_fail(a, MH_LIMIT_REFUSED, "batch outside 1 .. the board's batch limit");
    bool offered = activation == MH_ACT_NONE || (activation == MH_ACT_RELU && info->relu) || (activation == MH_ACT_TANH && info->tanh);
    if (!offered) return mh_fail(a, MH_LIMIT_REFUSED, "activation not offered by this board");
    float vmax = fminf((float)info->dac_full_scale_volts, (float)info->max_read_volts);
    const uint8_t *inputs = q + 16;
    for (uint64_t i = 0; i < (uint64_t)batch * w.rows; i++) {
        float v = mh_get_f32(inputs + 4u * i);
        if (!(fabsf(v) <= vmax)) return mh_fail(a, MH_LIMIT_REFUSED, "an input is outside the safe read range");
    }
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint64_t answer_length = 8u + 4u * (uint64_t)batch * w.columns;
    if (answer_length > a->capacity) return mh_fail(a, MH_TOO_LARGE, "the answer would exceed the board's payload limit");
    uint8_t *p = a->payload;
    mh_put_u32(p, batch);
    mh_put_u16(p + 4, w.columns);
    mh_put_u16(p + 6, 0);
    /* One vector at a time through small staging arrays: no buffer grows with the batch. */
    float volts[MH_MAX_TILE_ROWS], amps[MH_MAX_TILE_COLUMNS];
    for (uint32_t b = 0; b < batch; b++) {
        for (uint16_t r = 0; r < w.rows; r++) volts[r] = mh_get_f32(inputs + 4u * ((uint64_t)b * w.rows + r));
        mh_hal_read(w.tile, w.row0, w.rows, w.column0, w.columns, volts, (mh_activation)activation, amps);
        for (uint16_t c = 0; c < w.columns; c++) mh_put_f32(p + 8u + 4u * ((uint64_t)b * w.columns + c), amps[c]);
    }
    wear.total_reads += batch;
    a->length = (size_t)answer_length;
    return MH_OK;
}

static uint16_t pulse_cells(const uint8_t *q, size_t length, mh_answer *a)
{
    if (length < 30) return mh_fail(a, MH_MALFORMED_PAYLOAD, "PULSE_CELLS payload is shorter than its fixed part");
    uint64_t id = mh_get_u64(q);
    uint16_t part = mh_get_u16(q + 8), parts = mh_get_u16(q + 10);
    float amplitude = mh_get_f32(q + 12), width = mh_get_f32(q + 16);
    window_t w = get_window(q + 20);
    if ((uint64_t)length != 30u + 2u * (uint64_t)w.rows * w.columns)
        return mh_fail(a, MH_MALFORMED_PAYLOAD, "PULSE_CELLS payload length does not match its window");
    const mh_board_info *info = mh_hal_info();
    if (id == 0) return mh_fail(a, MH_LIMIT_REFUSED, "pulse request id must be non-zero");
    if (parts == 0 || part >= parts) return mh_fail(a, MH_LIMIT_REFUSED, "pulse part number out of range");
    const char *why = window_refusal(&w, info);
    if (!why) why = mh_pulse_refusal(amplitude, width, info);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    const uint8_t *counts = q + 30;
    int64_t total = 0;
    for (uint32_t i = 0; i < (uint32_t)w.rows * w.columns; i++) {
        int32_t c = mh_get_i16(counts + 2u * i);
        if (c > (int32_t)info->max_pulses_per_cell || -c > (int32_t)info->max_pulses_per_cell)
            return mh_fail(a, MH_LIMIT_REFUSED, "a cell's pulse count exceeds the per-cell limit");
        total += c < 0 ? -c : c;
    }
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint8_t duplicate = 0;
    const mh_receipt *first = mh_receipts_find(id, part);
    if (first) {
        duplicate = 1;
        total = first->pulses_applied;
        wear.duplicate_pulses++;
    } else {
        for (uint16_t r = 0; r < w.rows; r++)
            for (uint16_t c = 0; c < w.columns; c++) {
                int32_t n = mh_get_i16(counts + 2u * ((uint32_t)r * w.columns + c));
                if (n != 0) mh_hal_pulse_cell(w.tile, (uint16_t)(w.row0 + r), (uint16_t)(w.column0 + c), n, amplitude, width);
            }
        wear.total_pulses += total;
        mh_receipts_remember(id, part, total);
    }
    mh_put_u64(a->payload, id);
    mh_put_u16(a->payload + 8, part);
    a->payload[10] = duplicate;
    a->payload[11] = 0;
    mh_put_u64(a->payload + 12, (uint64_t)total);
    a->length = 20;
    return MH_OK;
}

int mh_popcount64(uint64_t x)
{
    int n = 0;
    while (x) { x &= x - 1u; n++; }
    return n;
}

static uint16_t pulse_outer(const uint8_t *q, size_t length, mh_answer *a)
{
    if (length < 28) return mh_fail(a, MH_MALFORMED_PAYLOAD, "PULSE_OUTER payload is shorter than its fixed part");
    uint64_t id = mh_get_u64(q);
    float amplitude = mh_get_f32(q + 8), width = mh_get_f32(q + 12);
    window_t w = get_window(q + 16);
    uint8_t slots = q[26];
    if ((uint64_t)length != 28u + 9u * ((uint64_t)w.rows + w.columns))
        return mh_fail(a, MH_MALFORMED_PAYLOAD, "PULSE_OUTER payload length does not match its window");
    const mh_board_info *info = mh_hal_info();
    if (!info->outer_product) return mh_fail(a, MH_LIMIT_REFUSED, "this board has no outer-product pulsing");
    if (id == 0) return mh_fail(a, MH_LIMIT_REFUSED, "pulse request id must be non-zero");
    const char *why = window_refusal(&w, info);
    if (!why) why = mh_pulse_refusal(amplitude, width, info);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    uint64_t mask = 0;
    why = mh_slots_refusal(slots, info, &mask);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    const uint8_t *row_trains = q + 28;
    const uint8_t *row_polarity = row_trains + 8u * w.rows;
    const uint8_t *column_trains = row_polarity + w.rows;
    const uint8_t *column_polarity = column_trains + 8u * w.columns;
    why = mh_trains_refusal(row_trains, row_polarity, w.rows, mask, 1);
    if (!why) why = mh_trains_refusal(column_trains, column_polarity, w.columns, mask, 0);
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint8_t duplicate = 0;
    int64_t total = 0;
    const mh_receipt *first = mh_receipts_find(id, 0);
    if (first) {
        duplicate = 1;
        total = first->pulses_applied;
        wear.duplicate_pulses++;
    } else {
        for (uint16_t r = 0; r < w.rows; r++) {
            uint64_t rt = mh_get_u64(row_trains + 8u * r);
            int rp = (int8_t)row_polarity[r];
            if (rt == 0 || rp == 0) continue;
            for (uint16_t c = 0; c < w.columns; c++) {
                int sign = rp * (int8_t)column_polarity[c];
                int n = mh_popcount64(rt & mh_get_u64(column_trains + 8u * c));
                if (sign == 0 || n == 0) continue;
                mh_hal_pulse_cell(w.tile, (uint16_t)(w.row0 + r), (uint16_t)(w.column0 + c), sign * n, amplitude, width);
                total += n;
            }
        }
        wear.total_pulses += total;
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

static uint16_t measure(const uint8_t *q, size_t length, mh_answer *a)
{
    if (length != 10) return mh_fail(a, MH_MALFORMED_PAYLOAD, "MEASURE takes a 10-byte window");
    window_t w = get_window(q);
    const char *why = window_refusal(&w, mh_hal_info());
    if (why) return mh_fail(a, MH_LIMIT_REFUSED, why);
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint32_t cells = (uint32_t)w.rows * w.columns;
    if (4u + 4u * (uint64_t)cells > a->capacity) return mh_fail(a, MH_TOO_LARGE, "the answer would exceed the board's payload limit");
    mh_put_u32(a->payload, cells);
    for (uint16_t r = 0; r < w.rows; r++)
        for (uint16_t c = 0; c < w.columns; c++)
            mh_put_f32(a->payload + 4u + 4u * ((uint32_t)r * w.columns + c),
                       mh_hal_measure_cell(w.tile, (uint16_t)(w.row0 + r), (uint16_t)(w.column0 + c)));
    a->length = 4u + 4u * cells;
    return MH_OK;
}

static uint16_t health(size_t length, mh_answer *a)
{
    if (length != 0) return mh_fail(a, MH_MALFORMED_PAYLOAD, "HEALTH takes no payload");
    if (!mh_hal_alive()) return mh_fail(a, MH_DEVICE_FAILED, "the board has failed");
    uint8_t *p = a->payload;
    memset(p, 0, 64);
    p[0] = 1;
    p[1] = mh_hal_self_test_passed() ? 1u : 0u;
    mh_put_f64(p + 4, mh_hal_temperature_celsius());
    mh_put_u64(p + 12, mh_hal_micros() * 10u); /* 100 ns units since this board started */
    mh_put_u64(p + 20, (uint64_t)wear.total_pulses);
    mh_put_u64(p + 28, (uint64_t)mh_hal_max_cell_pulses());
    mh_put_u64(p + 36, (uint64_t)wear.total_reads);
    mh_put_u32(p + 44, link_view.frames_received);
    mh_put_u32(p + 48, link_view.bad_blocks);
    mh_put_u32(p + 52, link_view.replays);
    mh_put_u32(p + 56, wear.duplicate_pulses);
    mh_put_u32(p + 60, mh_hal_answers_dropped());
    a->length = 64;
    return MH_OK;
}

uint16_t mh_execute(uint8_t version, uint8_t command, const uint8_t *payload, size_t length, mh_answer *a)
{
    /* The version-2 commands do not exist in a version-1 frame (PROTOCOL.md §2.1). */
    if (command >= MH_CMD_DESCRIBE_CHAIN && command <= MH_CMD_DESCRIBE_COSTS)
        return version >= 2u ? mh_execute_chain(command, payload, length, a) : mh_fail(a, MH_UNKNOWN_COMMAND, "unknown command in a version-1 frame");
    switch (command) {
    case MH_CMD_DESCRIBE: return describe(length, a);
    case MH_CMD_READ: return read_command(payload, length, a);
    case MH_CMD_PULSE_CELLS: return pulse_cells(payload, length, a);
    case MH_CMD_PULSE_OUTER: return pulse_outer(payload, length, a);
    case MH_CMD_MEASURE: return measure(payload, length, a);
    case MH_CMD_HEALTH: return health(length, a);
    case MH_CMD_ECHO:
        memmove(a->payload, payload, length);
        a->length = length;
        return MH_OK;
    default: return mh_fail(a, MH_UNKNOWN_COMMAND, "unknown command");
    }
}
