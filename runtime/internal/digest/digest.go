// Package digest holds the hash algorithms that the intrinsic
// States.Hash and JSONata's $hash accept, spelled as AWS spells them, so
// that the two functions cannot come to disagree on the list.
//
// It names the algorithms through the standard library's crypto.Hash
// registry and imports no implementation: importing crypto/md5,
// crypto/sha1, crypto/sha256 and crypto/sha512 would link them, and the
// FIPS 140 module they bring, into every program of the runtime, about
// 190 KB of code that is resident from start-up. Package
// runtime/sfncrypto imports them; the generated code of a machine that
// calls States.Hash or $hash imports it.
package digest

import (
	"crypto"
	"errors"
	"hash"
)

// ErrUnknown is New's error for a name that is none of the algorithms.
var ErrUnknown = errors.New("unknown hash algorithm")

// ErrNotLinked is New's error for an algorithm whose implementation the
// program does not link: a program that computes hashes imports
// runtime/sfncrypto (generated code does so for the machines that need
// it).
var ErrNotLinked = errors.New("the program does not link the hash algorithms: import package github.com/sfn-compile/sfn-compile/runtime/sfncrypto")

// Algorithms are the names New accepts, with the standard library's
// name of each algorithm.
var Algorithms = []struct {
	Name string
	Hash crypto.Hash
}{
	{"MD5", crypto.MD5},
	{"SHA-1", crypto.SHA1},
	{"SHA-256", crypto.SHA256},
	{"SHA-384", crypto.SHA384},
	{"SHA-512", crypto.SHA512},
}

// New returns a new hash of algorithm (MD5, SHA-1, SHA-256, SHA-384 or
// SHA-512, exactly so); ErrUnknown for any other name, ErrNotLinked when
// the program does not link its implementation.
func New(algorithm string) (hash.Hash, error) {
	for _, a := range Algorithms {
		if a.Name == algorithm {
			if !a.Hash.Available() {
				return nil, ErrNotLinked
			}
			return a.Hash.New(), nil
		}
	}
	return nil, ErrUnknown
}
