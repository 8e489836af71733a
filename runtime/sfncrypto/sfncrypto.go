// Package sfncrypto links the cryptography that only some state machines
// need into their programs: the HMAC-SHA256 of task tokens and the key
// they are signed with (Task states that wait for a token:
// .waitForTaskToken integrations and activities), and the hash
// algorithms of States.Hash and JSONata's $hash.
//
// Import it for its side effect. The code sfn-compile generates does so
// for a machine that uses any of these, and the programs that check
// tokens sent over an API (the server, durable executions) do so
// themselves; every other program leaves the standard library's crypto
// packages out, about 190 KB of code that would be resident from
// start-up in each binary.
package sfncrypto

import (
	"crypto/hmac"
	_ "crypto/md5" // registers crypto.MD5, which States.Hash and $hash name
	"crypto/rand"
	_ "crypto/sha1" // registers crypto.SHA1
	"crypto/sha256"
	_ "crypto/sha512" // registers crypto.SHA384 and crypto.SHA512

	"github.com/sfn-compile/sfn-compile/runtime/internal/engine"
)

func init() {
	engine.RegisterCrypto(&engine.Crypto{
		TokenMAC: func(dst, key, body []byte) []byte {
			mac := hmac.New(sha256.New, key)
			mac.Write(body)
			return mac.Sum(dst)
		},
		RandomKey: func(key []byte) { rand.Read(key) },
	})
}
