package engine

// The cryptography of task tokens (HMAC-SHA256 under a key drawn from
// crypto/rand) is linked only into the programs that hand tokens out or
// check them. Importing crypto/hmac, crypto/sha256 or crypto/rand costs
// a program about 190 KB of code (the FIPS 140 module: its self-tests,
// hash registrations, the DRBG), nearly all of it resident from start-up
// since the page cache maps a binary's pages around each one touched: a
// third of what a one-Pass machine's binary held beyond a hand-written
// program's. So the engine imports none of it. Package runtime/sfncrypto
// registers the implementations here; the generated code of a machine
// with a .waitForTaskToken or activity Task imports it, and so do the
// programs that answer tokens sent over an API (durable, awslambda).

// A Crypto is what runtime/sfncrypto registers.
type Crypto struct {
	// TokenMAC appends the HMAC-SHA256 of body under key to dst.
	TokenMAC func(dst, key, body []byte) []byte
	// RandomKey fills key from crypto/rand.
	RandomKey func(key []byte)
}

// linkedCrypto is what RegisterCrypto registered: nil in a program that
// does not import runtime/sfncrypto. It is written by package
// initialisation only, before any execution can read it.
var linkedCrypto *Crypto

// RegisterCrypto is for runtime/sfncrypto's init.
func RegisterCrypto(c *Crypto) { linkedCrypto = c }

// errNoCrypto is the panic of a token made in a program that does not
// link the cryptography (generated code imports it wherever a machine
// makes tokens, so this is a program built by other means): inside an
// execution it fails the execution with States.Runtime (panics.go).
const errNoCrypto = "task tokens need package github.com/sfn-compile/sfn-compile/runtime/sfncrypto: import it in the program"
