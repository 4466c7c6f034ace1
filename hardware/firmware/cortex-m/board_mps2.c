/* The platform half of the HAL on an MPS2 AN385 board (and QEMU's model of it): the CMSDK APB
 * UART0 for the host link and SysTick for the clock. The analog half is the crossbar model. */
#include "../hal/crossbar_model.h"
#include "../src/mh_board.h"
#include "../src/mh_hal.h"
#include <stdint.h>

/* CMSDK APB UART (ARM DDI 0479): DATA, STATE (bit 0 TX full, bit 1 RX full), CTRL (bit 0 TX
 * enable, bit 1 RX enable), INTSTATUS, BAUDDIV. UART0 is at 0x40004000 on AN385. */
#define UART0 ((volatile uint32_t *)0x40004000u)
#define UART_DATA 0
#define UART_STATE 1
#define UART_CTRL 2
#define UART_BAUDDIV 4

/* SysTick (ARMv7-M ARM B3.3): a 24-bit down counter on the 25 MHz processor clock. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define CPU_HZ 25000000u

static uint64_t ticks;
static uint32_t last_count;

uint64_t mh_hal_micros(void)
{
    /* Called far more often than the counter wraps (every 0.67 s), so one wrap at most between calls. */
    uint32_t now = SYST_CVR;
    ticks += (last_count - now) & 0x00FFFFFFu;
    last_count = now;
    return ticks / (CPU_HZ / 1000000u);
}

void mh_hal_write(const uint8_t *bytes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        while (UART0[UART_STATE] & 1u) { }
        UART0[UART_DATA] = bytes[i];
    }
}

/* A UART cannot tell whether the host read what it sent. */
uint32_t mh_hal_answers_dropped(void) { return 0; }

int main(void)
{
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* enable, processor clock, no interrupt */
    last_count = SYST_CVR;
    UART0[UART_BAUDDIV] = CPU_HZ / 115200u;
    UART0[UART_CTRL] = 3u;
    mh_model_set_identity("MHFW-M3-0001", "mortalhil-fw 1.0 (cortex-m3)");
    mh_model_reset();
    mh_board_init();
    for (;;) {
        if (UART0[UART_STATE] & 2u) {
            uint8_t byte = (uint8_t)UART0[UART_DATA];
            mh_board_receive(&byte, 1);
        } else {
            (void)mh_hal_micros(); /* keep the clock's wrap count current while idle */
        }
    }
}
