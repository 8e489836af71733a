package engine

import (
	"encoding/binary"
	"math/bits"
)

// sipHash128 is SipHash-2-4 with its 128-bit output (Aumasson and
// Bernstein), a pseudo-random function keyed with k0, k1 (the key's two
// little-endian halves) and made for short inputs: an execution's name
// is derived from its number with it (derivedBits). It allocates nothing
// and costs about as much as two draws from a seeded generator; the
// standard library has no keyed PRF short of crypto/hmac, which the
// engine does not link (crypto.go).
func sipHash128(k0, k1 uint64, msg []byte) (lo, hi uint64) {
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d ^ 0xee
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	round := func() {
		v0 += v1
		v1 = bits.RotateLeft64(v1, 13) ^ v0
		v0 = bits.RotateLeft64(v0, 32)
		v2 += v3
		v3 = bits.RotateLeft64(v3, 16) ^ v2
		v0 += v3
		v3 = bits.RotateLeft64(v3, 21) ^ v0
		v2 += v1
		v1 = bits.RotateLeft64(v1, 17) ^ v2
		v2 = bits.RotateLeft64(v2, 32)
	}
	block := func(m uint64) {
		v3 ^= m
		round()
		round()
		v0 ^= m
	}
	n := len(msg)
	for ; len(msg) >= 8; msg = msg[8:] {
		block(binary.LittleEndian.Uint64(msg))
	}
	last := uint64(n) << 56
	for i, c := range msg {
		last |= uint64(c) << (8 * i)
	}
	block(last)
	v2 ^= 0xee
	for range 4 {
		round()
	}
	lo = v0 ^ v1 ^ v2 ^ v3
	v1 ^= 0xdd
	for range 4 {
		round()
	}
	return lo, v0 ^ v1 ^ v2 ^ v3
}
