package engine

import (
	"context"
	"time"
)

// maxWait is the longest delay AWS accepts for a Wait state (≈ 2^31 s).
const maxWait = 2147483647 * time.Second

// WaitSeconds waits n seconds, as a Wait state's Seconds field asks.
func (f *Frame) WaitSeconds(ctx context.Context, n int64) error {
	if n < 0 {
		n = 0
	}
	d := time.Duration(n) * time.Second
	if n > int64(maxWait/time.Second) {
		return f.Fail(ErrRuntime, "Wait state delay is too long")
	}
	return f.Sleep(ctx, d)
}

// WaitSecondsPath waits for the number of seconds found at a SecondsPath:
// v is the value found (found false when the path selected nothing).
func (f *Frame) WaitSecondsPath(ctx context.Context, source string, v any, found bool) error {
	if !found {
		return f.Fail(ErrRuntime, "The SecondsPath parameter does not reference an input value: "+source)
	}
	n, ok := Int(v)
	if !ok || !IsInteger(v) {
		if _, isFloat := v.(float64); !isFloat || !ok {
			return f.Fail(ErrRuntime, "The SecondsPath parameter cannot be parsed as a long value: "+source+" == "+plain(v))
		}
	}
	if _, isFloat := v.(float64); isFloat && !IsInteger(v) {
		return f.Fail(ErrRuntime, "The SecondsPath parameter cannot be parsed as a long value: "+source+" == "+plain(v))
	}
	if n < 0 {
		return f.Fail(ErrRuntime, "The SecondsPath parameter references a negative value: "+source+" == "+plain(v))
	}
	return f.WaitSeconds(ctx, n)
}

// WaitUntil waits until t; a time in the past does not wait.
func (f *Frame) WaitUntil(ctx context.Context, t time.Time) error {
	d := t.Sub(f.X.Clock.Now())
	if d > maxWait {
		return f.Fail(ErrRuntime, "Wait state delay is too long")
	}
	if d <= 0 {
		return nil
	}
	return f.Sleep(ctx, d)
}

// WaitTimestampPath waits until the timestamp found at a TimestampPath.
func (f *Frame) WaitTimestampPath(ctx context.Context, source string, v any, found bool) error {
	if !found {
		return f.Fail(ErrRuntime, "The TimestampPath parameter does not reference an input value: "+source)
	}
	s, ok := v.(string)
	var t time.Time
	if ok {
		t, ok = ParseTimestamp(s)
	}
	if !ok {
		return f.Fail(ErrRuntime, "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: "+source+" == "+plain(v))
	}
	return f.WaitUntil(ctx, t)
}

// plain renders v as AWS quotes values in messages: strings bare, other
// values as JSON.
func plain(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ToJSON(v)
}

// WaitAtaTimestamp waits until the timestamp a JSONata Timestamp field
// yielded.
func (f *Frame) WaitAtaTimestamp(ctx context.Context, v any) error {
	s, ok := v.(string)
	var t time.Time
	if ok {
		t, ok = ParseTimestamp(s)
	}
	if !ok {
		return f.Fail(ErrQueryEvaluationError, "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: "+plain(v))
	}
	return f.WaitUntil(ctx, t)
}
