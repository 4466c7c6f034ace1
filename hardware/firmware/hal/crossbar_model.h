/* A small crossbar standing in for the analog front end (both the host build and the emulated
 * Cortex-M build use it): the analog half of the HAL, mh_hal.h. */
#ifndef MH_CROSSBAR_MODEL_H
#define MH_CROSSBAR_MODEL_H

/* Sets the serial number DESCRIBE reports (default "MHFW-0001") and the firmware string. */
void mh_model_set_identity(const char *serial_number, const char *firmware);

/* Makes the analog part fail for good (DEVICE_FAILED from then on). */
void mh_model_kill(void);

/* Restores every conductance to its start value (power-on). */
void mh_model_reset(void);

#endif
