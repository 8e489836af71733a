package codegen

import (
	"strings"
	"testing"
)

// TestCryptoImport: the generated package imports runtime/sfncrypto
// exactly when its machine needs the cryptography it links (task tokens,
// States.Hash, $hash), nested states included; other machines leave the
// crypto packages out of their programs.
func TestCryptoImport(t *testing.T) {
	pass := func(params string) string {
		return `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":` + params + `,"End":true}}}`
	}
	task := func(resource, params string) string {
		return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + resource + `",` + params + `"End":true}}}`
	}
	for _, tt := range []struct {
		name, def string
		want      bool
	}{
		{"pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, false},
		{"other intrinsics", pass(`{"a.$":"States.MathAdd($.x, 1)","u.$":"States.UUID()"}`), false},
		{"States.Hash", pass(`{"h.$":"States.Hash($.x, 'SHA-256')"}`), true},
		{"States.Hash nested in a call", pass(`{"h.$":"States.Format('{}', States.Hash($.x, 'MD5'))"}`), true},
		{"lambda task", task("arn:aws:lambda:us-east-1:123456789012:function:f", ""), false},
		{"waitForTaskToken", task("arn:aws:states:::lambda:invoke.waitForTaskToken", `"Parameters":{"FunctionName":"f","Payload":{"t.$":"$$.Task.Token"}},`), true},
		{"activity", task("arn:aws:states:us-east-1:123456789012:activity:a", ""), true},
		{"token in a Parallel branch", `{"StartAt":"Par","States":{"Par":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody.$":"$$.Task.Token"},"End":true}}}]}}}`, true},
		{"JSONata", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $uppercase($states.input.s) %}","End":true}}}`, false},
		{"JSONata $hash", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $hash($states.input.s, 'SHA-1') %}","End":true}}}`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, err := generateSrc(t, tt.def)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(code, `_ "`+rtCrypto+`"`); got != tt.want {
				t.Errorf("imports runtime/sfncrypto: %v, want %v", got, tt.want)
			}
		})
	}
}
