// Package digest holds the hash algorithms that the intrinsic
// States.Hash and JSONata's $hash accept, spelled as AWS spells them, so
// that the two functions cannot come to disagree on the list.
package digest

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// New returns a new hash of algorithm (MD5, SHA-1, SHA-256, SHA-384 or
// SHA-512, exactly so), or false for any other name.
func New(algorithm string) (hash.Hash, bool) {
	switch algorithm {
	case "MD5":
		return md5.New(), true
	case "SHA-1":
		return sha1.New(), true
	case "SHA-256":
		return sha256.New(), true
	case "SHA-384":
		return sha512.New384(), true
	case "SHA-512":
		return sha512.New(), true
	}
	return nil, false
}
