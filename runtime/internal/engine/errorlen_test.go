package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// SendTaskFailure and StopExecution refuse an error past 256 characters
// or a cause past 32,768 with AWS's ValidationException; characters are
// UTF-16 code units, as AWS counts them.
func TestCheckErrorCause(t *testing.T) {
	const (
		errMsg   = "Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256"
		causeMsg = "Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768"
	)
	tests := []struct {
		name, errorName, cause string
		want                   string // the APIError's text; "": accepted
	}{
		{"empty", "", "", ""},
		{"at the limits", strings.Repeat("e", 256), strings.Repeat("c", 32768), ""},
		{"multi-byte at the limits", strings.Repeat("é", 256), strings.Repeat("€", 32768), ""},
		{"error too long", strings.Repeat("e", 257), "", "ValidationException: 1 validation error detected: " + errMsg},
		{"cause too long", "", strings.Repeat("c", 32769), "ValidationException: 1 validation error detected: " + causeMsg},
		{"astral characters count twice", strings.Repeat("😀", 129), "", "ValidationException: 1 validation error detected: " + errMsg},
		{"both", strings.Repeat("e", 257), strings.Repeat("c", 32769), "ValidationException: 2 validation errors detected: " + errMsg + "; " + causeMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := CheckErrorCause(tt.errorName, tt.cause); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// The in-process SendTaskFailure checks before it looks the token up.
	err := SendTaskFailure("no-such-token", strings.Repeat("e", 257), "")
	if err == nil || !strings.Contains(err.Error(), errMsg) {
		t.Errorf("SendTaskFailure: got %v, want the ValidationException", err)
	}
}

// An execution's own failure whose error or cause is past the API's
// lengths (a Fail state's, a handler's, a States.* cause quoting a large
// value) is cut to them in the result and in every history event.
func TestErrorCauseCut(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ab", n/2) + strings.Repeat("😀", 3) }
	tests := []struct {
		name             string
		errorName, cause string
		wantErr, wantCau string
	}{
		{"short", "E", "c", "E", "c"},
		{"error and cause past the limits", long(300), long(40000), long(300)[:256], long(40000)[:32768]},
		{"a character is not split", strings.Repeat("a", 255) + "😀", strings.Repeat("a", 32767) + "😀z", strings.Repeat("a", 255), strings.Repeat("a", 32767)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fail := func(ctx context.Context, in any) (any, error) {
				return nil, NewError(tt.errorName, tt.cause)
			}
			m := &Machine{Name: "m", Program: &Program{
				States: []StateInfo{{Name: "Work", Kind: "Task"}},
				Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
					out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, fail)
					return End, out, err
				},
			}}
			res := m.Start(context.Background(), ObjectOf(), Options{History: true})
			got := []string{res.Status, res.Error, res.Cause}
			if diff := cmp.Diff([]string{StatusFailed, tt.wantErr, tt.wantCau}, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			for _, e := range res.History {
				for _, k := range []string{"error", "cause"} {
					v, _ := e.Details.Get(k)
					s, _ := v.(string)
					want := tt.wantErr
					if k == "cause" {
						want = tt.wantCau
					}
					if v != nil && s != want {
						t.Errorf("event %d %s: %s has %d bytes, want %d", e.ID, e.Type, k, len(s), len(want))
					}
				}
			}
		})
	}
}
