/* The converter and neuron arithmetic PROTOCOL.md §4.1 defines, for HAL implementations that
 * model or post-process the analog front end. */
#ifndef MH_CONVERTERS_H
#define MH_CONVERTERS_H
#include "mh_hal.h"

/* DAC: the nearest multiple of the step 2*full/(2^bits - 2). */
float mh_dac_quantise(float volts, const mh_board_info *info);

/* The nominal analog neuron: ReLU max(0, i); tanh s*tanh(i/s) with s = ADC full scale / 2. */
float mh_activate(float amps, mh_activation activation, const mh_board_info *info);

/* ADC: clamp to +-full scale, then the nearest multiple (ties to even) of 2*full/(2^bits - 2). */
float mh_adc_quantise(float amps, const mh_board_info *info);

/* Any bipolar converter of the chain (PROTOCOL.md §4.8): clamp to +-full scale, nearest multiple (ties to
 * even) of 2*full/(2^bits - 2). */
float mh_quantise(float value, uint8_t bits, double full_scale);

/* A DAC without clamping (its input is checked to be in range): nearest multiple of the step. */
float mh_quantise_unclamped(float value, uint8_t bits, double full_scale);

#endif
