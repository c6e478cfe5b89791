package mediation

import (
	"encoding/hex"
	"math/rand/v2"
)

// newMessageID returns a random urn:uuid (version 4) for the MessageID
// property. Message ids need to be unique, not secret, so the cheap
// per-goroutine ChaCha8 source of math/rand/v2 is enough.
func newMessageID() string {
	var b [16]byte
	lo, hi := rand.Uint64(), rand.Uint64()
	for i := 0; i < 8; i++ {
		b[i], b[8+i] = byte(lo>>(8*i)), byte(hi>>(8*i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [45]byte
	copy(out[:], "urn:uuid:")
	hex.Encode(out[9:17], b[0:4])
	out[17] = '-'
	hex.Encode(out[18:22], b[4:6])
	out[22] = '-'
	hex.Encode(out[23:27], b[6:8])
	out[27] = '-'
	hex.Encode(out[28:32], b[8:10])
	out[32] = '-'
	hex.Encode(out[33:45], b[10:16])
	return string(out[:])
}
