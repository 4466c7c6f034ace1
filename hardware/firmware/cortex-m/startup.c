/* Reset and vector table for a Cortex-M3 without a vendor SDK: copy .data, clear .bss, run main. */
#include <stdint.h>

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_top;
int main(void);
void reset_handler(void);

static void fault_handler(void)
{
    for (;;) { /* a fault leaves the board silent; the host's timeouts report it */ }
}

/* ARMv7-M vector table: the initial stack pointer, then reset, NMI, HardFault, MemManage,
 * BusFault, UsageFault, four reserved, SVCall, DebugMonitor, reserved, PendSV, SysTick. */
typedef void (*handler_t)(void);
struct vector_table {
    uint32_t *initial_stack;
    handler_t handlers[15];
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    &_stack_top,
    { reset_handler, fault_handler, fault_handler, fault_handler, fault_handler, fault_handler,
      0, 0, 0, 0, fault_handler, fault_handler, 0, fault_handler, fault_handler },
};

void reset_handler(void)
{
    uint32_t *src = &_data_load, *dst = &_data_start;
    while (dst < &_data_end) *dst++ = *src++;
    for (dst = &_bss_start; dst < &_bss_end;) *dst++ = 0;
    main();
    for (;;) { }
}
