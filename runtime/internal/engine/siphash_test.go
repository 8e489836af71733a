package engine

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
)

// sipHash128 gives the reference implementation's 128-bit test vectors
// (vectors.h of github.com/veorq/SipHash: key 00 01 … 0f, message the
// first n bytes of 00 01 02 …).
func TestSipHash128Vectors(t *testing.T) {
	key := make([]byte, 16)
	msg := make([]byte, 64)
	for i := range msg {
		msg[i] = byte(i)
		if i < 16 {
			key[i] = byte(i)
		}
	}
	k0, k1 := binary.LittleEndian.Uint64(key), binary.LittleEndian.Uint64(key[8:])
	for _, v := range []struct {
		n    int
		want string
	}{
		{0, "a3817f04ba25a8e66df67214c7550293"},
		{1, "da87c1d86b99af44347659119b22fc45"},
		{7, "a1f1ebbed8dbc153c0b84aa61ff08239"},
		{8, "3b62a9ba6258f5610f83e264f31497b4"},
		{9, "264499060ad9baabc47f8b02bb6d71ed"},
	} {
		lo, hi := sipHash128(k0, k1, msg[:v.n])
		var got [16]byte
		binary.LittleEndian.PutUint64(got[:], lo)
		binary.LittleEndian.PutUint64(got[8:], hi)
		if hex.EncodeToString(got[:]) != v.want {
			t.Errorf("%d bytes: %x, want %s", v.n, got, v.want)
		}
	}
}
