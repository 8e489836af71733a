package sfncrypto_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/sfn-compile/sfn-compile/runtime/internal/digest"
	_ "github.com/sfn-compile/sfn-compile/runtime/sfncrypto"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// TestAlgorithmsLinked: every algorithm the digest package names is
// linked by this package, so the list and the imports cannot drift.
func TestAlgorithmsLinked(t *testing.T) {
	for _, a := range digest.Algorithms {
		if _, err := digest.New(a.Name); err != nil {
			t.Errorf("digest.New(%q): %v", a.Name, err)
		}
	}
}

// TestTokens: a token is signed with HMAC-SHA256 under its key, checks
// under that key only, and a flipped MAC byte is refused.
func TestTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	want := sfnrt.TaskToken{ExecutionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e", State: "Wait", Seq: 7}
	tok := sfnrt.NewTaskToken(key, want)
	got, ok := sfnrt.ParseTaskToken(key, tok)
	if !ok || got != want {
		t.Fatalf("ParseTaskToken = %+v, %v; want %+v, true", got, ok, want)
	}
	if _, ok := sfnrt.ParseTaskToken([]byte("another key"), tok); ok {
		t.Error("a token checked under another key")
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	body, sum := raw[:len(raw)-16], raw[len(raw)-16:]
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil)[:16], sum) {
		t.Error("the token's MAC is not HMAC-SHA256 of its body, cut to 16 bytes")
	}
	raw[len(raw)-1] ^= 1
	if _, ok := sfnrt.ParseTaskToken(key, base64.RawURLEncoding.EncodeToString(raw)); ok {
		t.Error("a token with a flipped MAC byte checked")
	}
}
