/* The crossbar model: ideal Ohm's law and Kirchhoff's current law on a 2 x 16 x 8 array, with the
 * converters of PROTOCOL.md §4.1, linear pulse steps clamped to the conductance window, and an
 * exact measurement path. Its numbers are assumed (a plausible small ReRAM test chip), not fitted
 * to any device: it exists so the protocol core has something real to drive. */
#include "crossbar_model.h"
#include "../src/mh_config.h"
#include "../src/mh_converters.h"
#include "../src/mh_hal.h"

/* The array's size: 2 x 16 x 8 unless the build sets MH_MODEL_TILES/ROWS/COLUMNS (make host MODEL_SIZE=...),
 * e.g. a host build large enough to train a small network on (the Cortex-M build keeps the default). */
#ifndef MH_MODEL_TILES
#define MH_MODEL_TILES 2
#endif
#ifndef MH_MODEL_ROWS
#define MH_MODEL_ROWS 16
#endif
#ifndef MH_MODEL_COLUMNS
#define MH_MODEL_COLUMNS 8
#endif
#if MH_MODEL_ROWS > MH_MAX_TILE_ROWS || MH_MODEL_COLUMNS > MH_MAX_TILE_COLUMNS
#error "the model's tile must fit the READ staging arrays (MH_MAX_TILE_ROWS x MH_MAX_TILE_COLUMNS, src/mh_config.h)"
#endif
#define TILES MH_MODEL_TILES
#define ROWS MH_MODEL_ROWS
#define COLUMNS MH_MODEL_COLUMNS
#define G_MIN 1e-6
#define G_MAX 100e-6
/* Each pulse moves a cell by 1/200 of its window (assumed). */
#define STEP_FRACTION (1.0f / 200.0f)

static mh_board_info info = {
    .serial_number = "MHFW-0001",
    .kind = "firmware/mh-ref-1",
    .firmware = "mortalhil-fw 1.0",
    .tiles = TILES, .rows = ROWS, .columns = COLUMNS,
    .dac_bits = 8, .adc_bits = 12,
    .dac_full_scale_volts = 0.2, .adc_full_scale_amps = 200e-6,
    .max_read_volts = 0.2, .max_pulse_volts = 2.5, .min_pulse_width_s = 10e-9, .max_pulse_width_s = 100e-6,
    .max_pulses_per_cell = 31, .max_batch = 64,
    .g_min_siemens = G_MIN, .g_max_siemens = G_MAX,
    .outer_product = true, .relu = true, .tanh = true,
    .nominal_pulse_volts = 1.5, .nominal_pulse_width_s = 1e-6,
};

static float g[TILES][ROWS][COLUMNS];
static uint32_t cell_pulses[TILES][ROWS][COLUMNS];
static bool dead;

void mh_model_set_identity(const char *serial_number, const char *firmware)
{
    if (serial_number) info.serial_number = serial_number;
    if (firmware) info.firmware = firmware;
}

void mh_model_kill(void) { dead = true; }

void mh_model_reset(void)
{
    /* A fixed linear congruential sequence (Numerical Recipes constants): every start is the same board. */
    uint32_t state = 12345u;
    for (int t = 0; t < TILES; t++)
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < COLUMNS; c++) {
                state = state * 1664525u + 1013904223u;
                float u = (float)(state >> 8) / 16777216.0f;
                g[t][r][c] = (float)G_MIN + (0.1f + 0.5f * u) * (float)(G_MAX - G_MIN);
                cell_pulses[t][r][c] = 0;
            }
    dead = false;
}

const mh_board_info *mh_hal_info(void) { return &info; }

void mh_hal_read(uint16_t tile, uint16_t row0, uint16_t rows, uint16_t column0, uint16_t columns,
                 const float *volts, mh_activation activation, float *amps)
{
    for (uint16_t c = 0; c < columns; c++) {
        float sum = 0.0f;
        for (uint16_t r = 0; r < rows; r++)
            sum += mh_dac_quantise(volts[r], &info) * g[tile][row0 + r][column0 + c];
        amps[c] = mh_adc_quantise(mh_activate(sum, activation, &info), &info);
    }
}

void mh_hal_pulse_cell(uint16_t tile, uint16_t row, uint16_t column, int32_t count, float amplitude_volts, float width_s)
{
    (void)amplitude_volts;
    (void)width_s;
    float step = STEP_FRACTION * (float)(G_MAX - G_MIN);
    float v = g[tile][row][column] + (float)count * step;
    if (v < (float)G_MIN) v = (float)G_MIN;
    if (v > (float)G_MAX) v = (float)G_MAX;
    g[tile][row][column] = v;
    cell_pulses[tile][row][column] += (uint32_t)(count < 0 ? -count : count);
}

float mh_hal_measure_cell(uint16_t tile, uint16_t row, uint16_t column) { return g[tile][row][column]; }

int64_t mh_hal_max_cell_pulses(void)
{
    uint32_t most = 0;
    for (int t = 0; t < TILES; t++)
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < COLUMNS; c++)
                if (cell_pulses[t][r][c] > most) most = cell_pulses[t][r][c];
    return most;
}

double mh_hal_temperature_celsius(void) { return 25.0; }
bool mh_hal_alive(void) { return !dead; }
bool mh_hal_self_test_passed(void) { return true; }
