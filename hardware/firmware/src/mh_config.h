/* Compile-time sizes of the reference firmware. Every buffer is static: no heap anywhere. */
#ifndef MH_CONFIG_H
#define MH_CONFIG_H

/* The payload limit this board advertises in DESCRIBE (PROTOCOL.md §3: 1,024 .. 1,048,576).
 * It sets the receive block and the answer buffer sizes, so it is the main RAM knob. */
#ifndef MH_MAX_PAYLOAD
#define MH_MAX_PAYLOAD 2048u
#endif

/* Pulse receipts remembered (PROTOCOL.md §6: at least 256). */
#ifndef MH_REMEMBERED_PULSES
#define MH_REMEMBERED_PULSES 256u
#endif

/* Largest tile the READ staging arrays hold (rows drive at once, so a vector is never split). */
#ifndef MH_MAX_TILE_ROWS
#define MH_MAX_TILE_ROWS 64u
#endif
#ifndef MH_MAX_TILE_COLUMNS
#define MH_MAX_TILE_COLUMNS 64u
#endif

/* The highest protocol version this firmware speaks; it also accepts version-1 requests (PROTOCOL.md §2.1). */
#define MH_PROTOCOL_VERSION 2u
#define MH_BASE_VERSION 1u

/* Largest analog chain the core's staging arrays hold (neurons and digitised outputs of all stages). */
#ifndef MH_MAX_CHAIN_NEURONS
#define MH_MAX_CHAIN_NEURONS 64u
#endif
#ifndef MH_MAX_CHAIN_OUTPUTS
#define MH_MAX_CHAIN_OUTPUTS 64u
#endif
#define MH_HEADER_SIZE 12u
#define MH_CRC_SIZE 4u
#define MH_MAX_BODY (MH_HEADER_SIZE + MH_MAX_PAYLOAD + MH_CRC_SIZE)
/* Block limit in encoded bytes: the worst COBS encoding of the largest body (PROTOCOL.md §1). */
#define MH_MAX_BLOCK (MH_MAX_BODY + MH_MAX_BODY / 254u + 1u)
/* A partial block is dropped after this much silence (PROTOCOL.md §1). */
#define MH_PARTIAL_BLOCK_TIMEOUT_US 1000000u

#if MH_MAX_PAYLOAD < 1024u || MH_MAX_PAYLOAD > 1048576u
#error "MH_MAX_PAYLOAD must be 1024..1048576 (PROTOCOL.md section 3)"
#endif
#if MH_REMEMBERED_PULSES < 256u
#error "a board must remember at least 256 pulse receipts (PROTOCOL.md section 6)"
#endif

#endif
