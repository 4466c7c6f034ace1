#include "mh_board.h"
#include "mh_bytes.h"
#include "mh_cobs.h"
#include "mh_commands.h"
#include "mh_config.h"
#include "mh_crc32.h"
#include "mh_hal.h"
#include "mh_protocol.h"
#include "mh_receipts.h"
#include <stdbool.h>

/* The block being received (COBS-encoded), decoded in place once its delimiter arrives. */
static uint8_t block[MH_MAX_BLOCK];
static size_t block_length;
static bool overflowed;      /* past the block limit: ignore bytes up to the next delimiter */
static uint64_t last_byte_us;

/* Memory 1 (PROTOCOL.md §6): the last executed request's sequence and CRC, and its answer body. */
static uint8_t answer[MH_MAX_BODY];
static size_t answer_length;
static bool have_answer;
static uint32_t answered_sequence, answered_crc;

/* Error answers that must not replace memory 1 (BAD_CRC): small, built apart. */
static uint8_t side_answer[MH_HEADER_SIZE + 4u + 64u + MH_CRC_SIZE];

static mh_board_counters counters;

const mh_board_counters *mh_board_get_counters(void) { return &counters; }

void mh_board_init(void)
{
    block_length = 0;
    overflowed = false;
    have_answer = false;
    last_byte_us = mh_hal_micros();
    mh_receipts_clear();
    mh_chain_reset();
    counters = (mh_board_counters){ 0 };
}

static void send_body(const uint8_t *body, size_t length)
{
    static const uint8_t delimiter = 0;
    mh_hal_write(&delimiter, 1);
    mh_cobs_encode(body, length, mh_hal_write);
    mh_hal_write(&delimiter, 1);
}

/* Fills header and CRC around a payload already in place at body + 12; returns the body length. */
static size_t seal(uint8_t *body, uint8_t version, uint8_t command, uint8_t flags, uint32_t sequence, size_t payload_length)
{
    body[0] = version; /* an answer is in its request's version (PROTOCOL.md §2.1) */
    body[1] = command;
    body[2] = flags;
    body[3] = 0;
    mh_put_u32(body + 4, sequence);
    mh_put_u32(body + 8, (uint32_t)payload_length);
    size_t crc_at = MH_HEADER_SIZE + payload_length;
    mh_put_u32(body + crc_at, mh_crc32(body, crc_at));
    return crc_at + MH_CRC_SIZE;
}

static size_t put_error(uint8_t *body, size_t capacity, uint8_t version, uint8_t command, uint32_t sequence, uint16_t code, const char *message)
{
    size_t n = strlen(message);
    size_t room = capacity - MH_HEADER_SIZE - 4u - MH_CRC_SIZE;
    if (n > room) n = room;
    if (n > 1024u) n = 1024u;
    uint8_t *p = body + MH_HEADER_SIZE;
    mh_put_u16(p, code);
    mh_put_u16(p + 2, (uint16_t)n);
    memcpy(p + 4, message, n);
    return seal(body, version, command, MH_FLAG_RESPONSE | MH_FLAG_ERROR, sequence, 4u + n);
}

static bool speaks(uint8_t version) { return version >= MH_BASE_VERSION && version <= MH_PROTOCOL_VERSION; }

/* Commands 0x01..0x07 exist in every version, 0x08..0x0B from version 2 on (PROTOCOL.md §2.1). */
static bool known_command(uint8_t c, uint8_t version)
{
    return (c >= MH_CMD_DESCRIBE && c <= MH_CMD_ECHO) || (version >= 2u && c >= MH_CMD_DESCRIBE_CHAIN && c <= MH_CMD_DESCRIBE_COSTS);
}

/* A block that failed a check: answer BAD_CRC only if its header still names a request we know. */
static void reject(const uint8_t *body, size_t length)
{
    counters.bad_blocks++;
    if (length < MH_HEADER_SIZE) return;
    if (!speaks(body[0]) || (body[2] & MH_FLAG_RESPONSE) || !known_command(body[1], body[0])) return;
    size_t n = put_error(side_answer, sizeof side_answer, body[0], body[1], mh_get_u32(body + 4), MH_BAD_CRC,
                         "the frame failed its length or CRC check");
    send_body(side_answer, n);
}

static void handle_block(uint8_t *b, size_t encoded_length)
{
    size_t n;
    if (!mh_cobs_decode_in_place(b, encoded_length, &n)) { counters.bad_blocks++; return; }
    if (n < MH_HEADER_SIZE + MH_CRC_SIZE) { reject(b, n); return; }
    uint32_t payload_length = mh_get_u32(b + 8);
    if ((uint64_t)payload_length + MH_HEADER_SIZE + MH_CRC_SIZE != n) { reject(b, n); return; }
    size_t crc_at = n - MH_CRC_SIZE;
    uint32_t crc = mh_get_u32(b + crc_at);
    if (mh_crc32(b, crc_at) != crc) { reject(b, n); return; }
    uint8_t command = b[1], flags = b[2];
    uint32_t sequence = mh_get_u32(b + 4);
    if (flags & MH_FLAG_RESPONSE) { counters.bad_blocks++; return; } /* a looped-back line; other flag bits are reserved and ignored */
    counters.frames_received++;
    if (have_answer && sequence == answered_sequence && crc == answered_crc) {
        counters.replays++;
        send_body(answer, answer_length);
        return;
    }
    /* PROTOCOL.md §5.1, steps 2 to 4; the command checks the rest. */
    uint16_t code;
    uint8_t version = b[0];
    mh_answer a = { answer + MH_HEADER_SIZE, MH_MAX_PAYLOAD, 0, "" };
    if (!speaks(version)) {
        code = MH_UNSUPPORTED_VERSION;
        a.message = "this board speaks protocol versions 1 and 2";
        version = version < MH_BASE_VERSION ? MH_BASE_VERSION : MH_PROTOCOL_VERSION; /* answered in the nearest version it speaks */
    }
    else if (payload_length > MH_MAX_PAYLOAD) { code = MH_TOO_LARGE; a.message = "the payload exceeds the board's payload limit"; }
    else {
        mh_link_view view = { counters.frames_received, counters.bad_blocks, counters.replays };
        mh_commands_set_link(&view);
        code = mh_execute(version, command, b + MH_HEADER_SIZE, payload_length, &a);
    }
    answer_length = code == MH_OK
        ? seal(answer, version, command, MH_FLAG_RESPONSE, sequence, a.length)
        : put_error(answer, sizeof answer, version, command, sequence, code, a.message);
    have_answer = true; /* every answer but BAD_CRC and BUSY is remembered; this board never answers BUSY */
    answered_sequence = sequence;
    answered_crc = crc;
    send_body(answer, answer_length);
}

void mh_board_receive(const uint8_t *bytes, size_t count)
{
    if (count == 0) return;
    uint64_t now = mh_hal_micros();
    if ((block_length > 0 || overflowed) && now - last_byte_us >= MH_PARTIAL_BLOCK_TIMEOUT_US) {
        /* A second of silence inside a block: the head is stale (PROTOCOL.md §1). */
        counters.bad_blocks++;
        counters.abandoned++;
        block_length = 0;
        overflowed = false;
    }
    last_byte_us = now;
    for (size_t i = 0; i < count; i++) {
        uint8_t byte = bytes[i];
        if (byte == 0) {
            if (!overflowed && block_length > 0) handle_block(block, block_length);
            block_length = 0;
            overflowed = false;
        } else if (!overflowed) {
            if (block_length == MH_MAX_BLOCK) {
                counters.bad_blocks++;
                overflowed = true;
                block_length = 0;
            } else {
                block[block_length++] = byte;
            }
        }
    }
}
