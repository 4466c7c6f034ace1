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
#define UART_INTSTATUS 3
#define UART_BAUDDIV 4
#define UART_CTRL_TX_RX_RXINT 0x0Bu /* TX enable, RX enable, RX interrupt enable */
#define UART_INT_RX 2u

/* NVIC and SCB (ARMv7-M ARM B3.4, B3.2): UART0's RX interrupt is IRQ 0 on AN385. */
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ICPR0 (*(volatile uint32_t *)0xE000E280u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTCLR (1u << 25)

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
    SYST_CSR = 7u; /* enable, processor clock, wrap event (it only wakes the core: see below) */
    last_count = SYST_CVR;
    UART0[UART_BAUDDIV] = CPU_HZ / 115200u;
    UART0[UART_CTRL] = UART_CTRL_TX_RX_RXINT;
    NVIC_ISER0 = 1u;
    /* Interrupts stay masked: no handler ever runs. A pending enabled interrupt (a received byte,
     * a SysTick wrap) still ends WFI (ARMv7-M ARM B1.5.19), so the core sleeps between bytes
     * instead of spinning, and wakes at least every 0.67 s to keep the clock's wrap count. */
    __asm volatile("cpsid i" ::: "memory");
    mh_model_set_identity("MHFW-M3-0001", "mortalhil-fw 1.0 (cortex-m3)");
    mh_model_reset();
    mh_board_init();
    for (;;) {
        while (UART0[UART_STATE] & 2u) {
            uint8_t byte = (uint8_t)UART0[UART_DATA];
            mh_board_receive(&byte, 1);
        }
        /* Clear what woke us before looking again, so a byte arriving now leaves WFI pending-free of doubt. */
        UART0[UART_INTSTATUS] = UART_INT_RX;
        NVIC_ICPR0 = 1u;
        SCB_ICSR = ICSR_PENDSTCLR;
        (void)mh_hal_micros();
        if (!(UART0[UART_STATE] & 2u)) __asm volatile("wfi" ::: "memory");
    }
}
