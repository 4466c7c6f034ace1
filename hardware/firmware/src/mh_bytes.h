/* Little-endian field access (PROTOCOL.md: every integer and float is little-endian), independent
 * of the CPU's byte order and alignment. */
#ifndef MH_BYTES_H
#define MH_BYTES_H
#include <stdint.h>
#include <string.h>

static inline uint16_t mh_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t mh_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t mh_get_u64(const uint8_t *p) { return (uint64_t)mh_get_u32(p) | ((uint64_t)mh_get_u32(p + 4) << 32); }
static inline int16_t mh_get_i16(const uint8_t *p) { return (int16_t)mh_get_u16(p); }
static inline float mh_get_f32(const uint8_t *p)
{
    uint32_t bits = mh_get_u32(p);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline void mh_put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void mh_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void mh_put_u64(uint8_t *p, uint64_t v) { mh_put_u32(p, (uint32_t)v); mh_put_u32(p + 4, (uint32_t)(v >> 32)); }
static inline void mh_put_f32(uint8_t *p, float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    mh_put_u32(p, bits);
}
static inline void mh_put_f64(uint8_t *p, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    mh_put_u64(p, bits);
}

#endif
