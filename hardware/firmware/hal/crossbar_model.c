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

/* ---- Operation costs (PROTOCOL.md §4.11) of this model board, for the host's energy ledger. Each number is cited or
 * computed from the model's own constants, or says "assumed"; the same sources as the simulator's reram presets
 * (sim/MortalHil.Sim/Presets/CostPresets.cs), taken at this board's converter resolutions. ---- */
#define COST_READ_VOLTS 0.2             /* = info.max_read_volts */
#define COST_INTEGRATION_SECONDS 100e-9 /* assumed */
#define COST_PULSE_VOLTS 1.5            /* = info.nominal_pulse_volts */
#define COST_PULSE_SECONDS 1e-6         /* = info.nominal_pulse_width_s */

static const mh_costs costs = {
    .dac_conversion_joules = 0.1e-12,
    .adc_conversion_joules = 6.05e-12,
    .chain_adc_conversion_joules = 2.2e-12,
    .tap_conversion_joules = 0.3e-12,
    .injection_conversion_joules = 0.2e-12,
    .cell_read_joules = COST_READ_VOLTS * COST_READ_VOLTS * (0.5 * (G_MIN + G_MAX)) * COST_INTEGRATION_SECONDS,
    .neuron_joules = 0.1e-12,
    .pulse_joules = COST_PULSE_VOLTS * COST_PULSE_VOLTS * G_MAX * COST_PULSE_SECONDS,
    .window_read_seconds = 1e-6,
    .chain_stage_seconds = 130e-9,
    .source = "Model board mh-ref-1. ADCs: Murmann's ADC survey, best designs about 0.8 pJ at 8 bits and 2.2 pJ at 10 bits: "
              "2.2 pJ for the 10-bit output ADC; 6.05 pJ for the 12-bit column ADC, extrapolated at the same x2.75 per two bits "
              "(assumed); 0.3 pJ for the 6-bit taps. Row DAC (8 bit) 0.1 pJ and injection DAC (8 bit) 0.2 pJ: assumed. "
              "Cell read: V^2 G t with 0.2 V, 50.5 uS (mid window) and 100 ns integration (assumed) = 0.202 pJ. Neuron: 0.1 pJ, assumed. "
              "Pulse: 1.5 V^2 x 100 uS (g_max) x 1 us = 225 pJ into the cell, driver losses not counted. Window read 1 us and "
              "chain stage 130 ns: IBM HERMES, 256x256 MVM in about 130 ns plus ADC time (Le Gallo et al., Nat. Electron. 2023).",
};

const mh_costs *mh_hal_costs(void) { return &costs; }

/* ---- The analog chain (PROTOCOL.md §4.8): 8 (+bias) inputs -> 4 neurons on tile 0, 4 (+bias) -> 2 outputs on
 * tile 1. Build with -DMH_MODEL_NO_CHAIN for a board without one (it says so in DESCRIBE). ---- */
#ifndef MH_MODEL_NO_CHAIN
#define CHAIN_INPUTS 8
#define CHAIN_NEURONS 4
#define CHAIN_OUTPUTS 2
#if TILES < 2 || ROWS < CHAIN_INPUTS + 1 || COLUMNS < 2 * CHAIN_NEURONS
#error "the model's chain needs 2 tiles of at least 9 rows x 8 columns"
#endif
#define MAX_ROWS_LATCHED 64 /* = info.max_batch */

static const mh_chain_stage chain_stages[2] = {
    { .tile = 0, .row0 = 0, .rows = CHAIN_INPUTS + 1, .column0 = 0, .columns = 2 * CHAIN_NEURONS, .source = -1, .bias_row = true, .adc_sink = false },
    { .tile = 1, .row0 = 0, .rows = CHAIN_NEURONS + 1, .column0 = 0, .columns = 2 * CHAIN_OUTPUTS, .source = 0, .bias_row = true, .adc_sink = true },
};

/* Datasheet numbers, assumed (of the order of the simulator's reram-mortal preset): a 20 uA neuron input full
 * scale, 0.2 V swing and bias, a 10-bit +-100 uA output ADC, 8-bit +-4 uA injection DACs (ideal: no noise),
 * 6-bit 0.2 V taps. */
static const mh_chain_info chain = {
    .stage_count = 2, .stages = chain_stages,
    .inputs = CHAIN_INPUTS, .neurons = CHAIN_NEURONS, .outputs = CHAIN_OUTPUTS,
    .neuron_input_full_scale_amps = 20e-6, .neuron_output_full_scale_volts = 0.2, .bias_volts = 0.2,
    .output_adc_bits = 10, .output_adc_full_scale_amps = 100e-6,
    .injection_bits = 8, .injection_full_scale_amps = 4e-6, .injection_noise_amps = 0.0,
    .tap_bits = 6, .tap_full_scale_volts = 0.2,
    .latched_updates = true,
};

/* What the datasheet does not say: each neuron is a rectifier with its own gain and offset (fraction of the
 * input full scale), clipped at the output swing. Assumed numbers, a few per cent apart as mismatched analog
 * cells are. The host never learns them. */
static const float neuron_gain[CHAIN_NEURONS] = { 1.00f, 0.92f, 1.07f, 0.96f };
static const float neuron_offset[CHAIN_NEURONS] = { 0.00f, 0.02f, -0.01f, 0.01f };

/* The sample-and-hold of every stage's row voltages, per result row of the last chain read. */
static float latch_in[MAX_ROWS_LATCHED][CHAIN_INPUTS + 1];
static float latch_hidden[MAX_ROWS_LATCHED][CHAIN_NEURONS + 1];

const mh_chain_info *mh_hal_chain(void) { return &chain; }

static float pair_current(int tile, const float *volts, int rows, int pair)
{
    float sum = 0.0f;
    for (int r = 0; r < rows; r++) sum += volts[r] * (g[tile][r][2 * pair] - g[tile][r][2 * pair + 1]);
    return sum;
}

void mh_hal_chain_read(uint32_t result_row, const float *input_volts, const float *injection_amps, float *output_amps, float *tap_volts)
{
    float *in = latch_in[result_row], *hidden = latch_hidden[result_row];
    for (int r = 0; r < CHAIN_INPUTS; r++) in[r] = mh_dac_quantise(input_volts[r], &info);
    in[CHAIN_INPUTS] = (float)chain.bias_volts;
    for (int k = 0; k < CHAIN_NEURONS; k++) {
        float current = pair_current(0, in, CHAIN_INPUTS + 1, k);
        if (injection_amps) current += mh_quantise_unclamped(injection_amps[k], chain.injection_bits, chain.injection_full_scale_amps);
        float y = neuron_gain[k] * current / (float)chain.neuron_input_full_scale_amps + neuron_offset[k];
        if (y < 0.0f) y = 0.0f;
        if (y > 1.0f) y = 1.0f;
        hidden[k] = y * (float)chain.neuron_output_full_scale_volts;
        if (tap_volts) tap_volts[k] = mh_quantise(hidden[k], chain.tap_bits, chain.tap_full_scale_volts);
    }
    hidden[CHAIN_NEURONS] = (float)chain.bias_volts;
    for (int j = 0; j < CHAIN_OUTPUTS; j++)
        output_amps[j] = mh_quantise(pair_current(1, hidden, CHAIN_NEURONS + 1, j), chain.output_adc_bits, chain.output_adc_full_scale_amps);
}

float mh_hal_chain_latched(uint8_t stage, uint32_t result_row, uint16_t row)
{
    return stage == 0 ? latch_in[result_row][row] : latch_hidden[result_row][row];
}
#else
const mh_chain_info *mh_hal_chain(void) { return NULL; }
void mh_hal_chain_read(uint32_t result_row, const float *input_volts, const float *injection_amps, float *output_amps, float *tap_volts)
{
    (void)result_row; (void)input_volts; (void)injection_amps; (void)output_amps; (void)tap_volts;
}
float mh_hal_chain_latched(uint8_t stage, uint32_t result_row, uint16_t row)
{
    (void)stage; (void)result_row; (void)row;
    return 0.0f;
}
#endif

double mh_hal_temperature_celsius(void) { return 25.0; }
bool mh_hal_alive(void) { return !dead; }
bool mh_hal_self_test_passed(void) { return true; }
