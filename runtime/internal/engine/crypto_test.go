package engine

import (
	"crypto/hmac"
	_ "crypto/md5" // the hash algorithms of States.Hash, as runtime/sfncrypto links them
	"crypto/rand"
	_ "crypto/sha1"
	"crypto/sha256"
	_ "crypto/sha512"
)

// The engine's tests link the cryptography that runtime/sfncrypto links
// into programs (which cannot be imported here: it imports the engine).
func init() {
	RegisterCrypto(&Crypto{
		TokenMAC: func(dst, key, body []byte) []byte {
			mac := hmac.New(sha256.New, key)
			mac.Write(body)
			return mac.Sum(dst)
		},
		RandomKey: func(key []byte) { rand.Read(key) },
	})
}
