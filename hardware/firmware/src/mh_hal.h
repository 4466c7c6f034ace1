/* The hardware layer (HAL): everything the protocol core needs from a board. Porting the firmware
 * to a new board means implementing these functions; nothing else in src/ touches hardware.
 * See README.md ("Porting"). All calls come from one thread (the main loop). */
#ifndef MH_HAL_H
#define MH_HAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What DESCRIBE reports (PROTOCOL.md §4.1). Quantities in SI base units. */
typedef struct {
    const char *serial_number, *kind, *firmware; /* each at most 255 UTF-8 bytes */
    uint16_t tiles, rows, columns;
    uint8_t dac_bits, adc_bits;
    double dac_full_scale_volts, adc_full_scale_amps;
    double max_read_volts, max_pulse_volts, min_pulse_width_s, max_pulse_width_s;
    uint32_t max_pulses_per_cell; /* per request, <= 32767 */
    uint32_t max_batch;           /* READ vectors per request */
    double g_min_siemens, g_max_siemens;
    bool outer_product;           /* PULSE_OUTER supported */
    bool relu, tanh;              /* analog activations offered */
    double nominal_pulse_volts, nominal_pulse_width_s;
} mh_board_info;

typedef enum { MH_ACT_NONE = 0, MH_ACT_RELU = 1, MH_ACT_TANH = 2 } mh_activation;

/* The board's constants. Called often; return a pointer to static data. */
const mh_board_info *mh_hal_info(void);

/* Microseconds since the board started (monotonic). Drives uptime and the partial-block timeout. */
uint64_t mh_hal_micros(void);

/* Writes bytes to the host link, blocking until they are handed to the line. */
void mh_hal_write(const uint8_t *bytes, size_t count);

/* Answers the line had to throw away (a host that stopped reading); 0 if the link cannot tell. */
uint32_t mh_hal_answers_dropped(void);

/* Drives the rows [row0, row0+rows) of tile with volts (already checked against the limits; all
 * other rows at 0 V) and stores the ADC result of columns [column0, column0+columns) in amps,
 * after the activation. The result must be what the converters report: quantised as PROTOCOL.md
 * §4.1 defines (mh_converters.h has the arithmetic). */
void mh_hal_read(uint16_t tile, uint16_t row0, uint16_t rows, uint16_t column0, uint16_t columns,
                 const float *volts, mh_activation activation, float *amps);

/* Applies |count| programming pulses to one cell (count > 0 potentiates, < 0 depresses) with the
 * given amplitude and width (already checked against the limits). */
void mh_hal_pulse_cell(uint16_t tile, uint16_t row, uint16_t column, int32_t count, float amplitude_volts, float width_s);

/* The slow per-cell conductance readout, siemens. */
float mh_hal_measure_cell(uint16_t tile, uint16_t row, uint16_t column);

/* Most pulses any single cell has received over its life (kept by the board, e.g. in flash). */
int64_t mh_hal_max_cell_pulses(void);

/* Board temperature, degrees Celsius. */
double mh_hal_temperature_celsius(void);

/* False once the analog part has failed for good: every command but DESCRIBE and ECHO is then
 * answered DEVICE_FAILED. */
bool mh_hal_alive(void);

/* Result of the board's built-in self test. */
bool mh_hal_self_test_passed(void);

/* ---- Version 2: the analog chain (PROTOCOL.md §4.8-4.10). A board without one returns NULL from
 * mh_hal_chain and never has the other chain functions called. ---- */

/* One stage: a window, the stage driving its rows (-1: the row DACs), bias row, and whether its column
 * pairs go to the output ADC (else to neurons). */
typedef struct {
    uint16_t tile, row0, rows, column0, columns;
    int8_t source;
    bool bias_row, adc_sink;
} mh_chain_stage;

/* The chain's datasheet: what DESCRIBE_CHAIN sends. Converter bits 0 = the converter is absent. */
typedef struct {
    uint8_t stage_count; /* 1..64 */
    const mh_chain_stage *stages;
    uint16_t inputs, neurons, outputs; /* I, N, O of PROTOCOL.md §4.8 (consistent with the stages) */
    double neuron_input_full_scale_amps, neuron_output_full_scale_volts, bias_volts;
    uint8_t output_adc_bits;
    double output_adc_full_scale_amps;
    uint8_t injection_bits; /* 0: no perturbation injection */
    double injection_full_scale_amps, injection_noise_amps;
    uint8_t tap_bits; /* 0: no monitor taps */
    double tap_full_scale_volts;
    bool latched_updates;
} mh_chain_info;

/* The board's chain, or NULL (a board without one still speaks version 2 and says so). */
const mh_chain_info *mh_hal_chain(void);

/* One result row of a chain read: drives the DAC-fed stages with input_volts (inputs values, checked), adds
 * injection_amps (neurons values, checked; NULL: none) at the neurons' inputs, and stores what the output ADC
 * reports (outputs values) and, when tap_volts is not NULL, what the taps report (neurons values). It latches
 * the voltages that drove every stage's rows as result row result_row (< max_batch) of the current read. */
void mh_hal_chain_read(uint32_t result_row, const float *input_volts, const float *injection_amps, float *output_amps, float *tap_volts);

/* The latched voltage of row `row` of stage `stage` in result row `result_row` of the last chain read. */
float mh_hal_chain_latched(uint8_t stage, uint32_t result_row, uint16_t row);

/* ---- Version 2: operation costs (PROTOCOL.md §4.11), as the board's datasheet states them. A board that states
 * none returns NULL from mh_hal_costs (DESCRIBE clears capability bit 2; DESCRIBE_COSTS answers 0). ---- */
typedef struct {
    double dac_conversion_joules;       /* one row-DAC conversion */
    double adc_conversion_joules;       /* one column-ADC conversion of a READ */
    double chain_adc_conversion_joules; /* one output-ADC conversion of a READ_CHAIN (per pair) */
    double tap_conversion_joules;       /* one monitor-tap conversion */
    double injection_conversion_joules; /* one injection-DAC conversion */
    double cell_read_joules;            /* one cell in one vector read */
    double neuron_joules;               /* one analog neuron evaluating once */
    double pulse_joules;                /* one programming pulse on one cell */
    double window_read_seconds;         /* one vector read of one window, conversions included */
    double chain_stage_seconds;         /* settling of one chain stage */
    const char *source;                 /* where each number comes from, UTF-8 */
} mh_costs;

/* The board's operation costs, or NULL. Called for DESCRIBE and DESCRIBE_COSTS; return a pointer to static data. */
const mh_costs *mh_hal_costs(void);

#endif
