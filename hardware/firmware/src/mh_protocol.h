/* Numbers of wire protocol version 1 (hardware/PROTOCOL.md). */
#ifndef MH_PROTOCOL_H
#define MH_PROTOCOL_H

enum {
    MH_CMD_DESCRIBE = 0x01, MH_CMD_READ = 0x02, MH_CMD_PULSE_CELLS = 0x03, MH_CMD_PULSE_OUTER = 0x04,
    MH_CMD_MEASURE = 0x05, MH_CMD_HEALTH = 0x06, MH_CMD_ECHO = 0x07,
};

enum { MH_FLAG_RESPONSE = 0x01, MH_FLAG_ERROR = 0x02 };

/* Error codes (PROTOCOL.md §5); 0 means success. */
enum {
    MH_OK = 0, MH_BAD_CRC = 1, MH_UNKNOWN_COMMAND = 2, MH_MALFORMED_PAYLOAD = 3, MH_LIMIT_REFUSED = 4,
    MH_BUSY = 5, MH_DEVICE_FAILED = 6, MH_UNSUPPORTED_VERSION = 7, MH_TOO_LARGE = 8, MH_INTERNAL = 9,
};

#endif
