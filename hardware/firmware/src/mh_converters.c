#include "mh_converters.h"
#include <math.h>

static float step_of(double full_scale, uint8_t bits)
{
    /* In f32, as the host computes it (AdcSpec.StepAmps), so both sides agree to the last bit. */
    return 2.0f * (float)full_scale / (float)((1ul << bits) - 2ul);
}

float mh_dac_quantise(float volts, const mh_board_info *info)
{
    float step = step_of(info->dac_full_scale_volts, info->dac_bits);
    return nearbyintf(volts / step) * step;
}

float mh_activate(float amps, mh_activation activation, const mh_board_info *info)
{
    float swing = 0.5f * (float)info->adc_full_scale_amps;
    switch (activation) {
    case MH_ACT_RELU: return amps > 0.0f ? amps : 0.0f;
    case MH_ACT_TANH: return swing * tanhf(amps / swing);
    default: return amps;
    }
}

float mh_quantise(float value, uint8_t bits, double full_scale)
{
    float full = (float)full_scale;
    if (value > full) value = full;
    if (value < -full) value = -full;
    return mh_quantise_unclamped(value, bits, full_scale);
}

float mh_quantise_unclamped(float value, uint8_t bits, double full_scale)
{
    float step = step_of(full_scale, bits);
    return nearbyintf(value / step) * step;
}

float mh_adc_quantise(float amps, const mh_board_info *info)
{
    float full = (float)info->adc_full_scale_amps;
    float step = step_of(info->adc_full_scale_amps, info->adc_bits);
    if (amps > full) amps = full;
    if (amps < -full) amps = -full;
    /* nearbyintf rounds half to even in the default rounding mode, as the protocol asks. */
    return nearbyintf(amps / step) * step;
}
