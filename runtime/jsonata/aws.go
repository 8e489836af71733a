package jsonata

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	mrand "math/rand"
	"math/rand/v2"

	"github.com/sfn-compile/sfn-compile/runtime/internal/digest"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The functions AWS Step Functions provides on top of JSONata. ($eval,
// which Step Functions does not allow, is not defined.)

// FnPartition is $partition.
var FnPartition = Function{builtin{name: "partition", sigText: "<an:a>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	size := num(argAt(a, 1))
	if size < 1 || math.IsNaN(size) || size != math.Trunc(size) {
		return nil, awsErr("The second argument of $partition must be a positive integer; got %s", stringifyJSON(argAt(a, 1)))
	}
	arr := items(a[0])
	n := int(size)
	out := make([]any, 0, (len(arr)+n-1)/n)
	for i := 0; i < len(arr); i += n {
		end := min(i+n, len(arr))
		chunk := make([]any, end-i)
		copy(chunk, arr[i:end])
		out = append(out, chunk)
	}
	return out, nil
}}}

// FnRange is $range.
var FnRange = Function{builtin{name: "range", sigText: "<nnn?:a>", arity: 3, nparams: 3, fn: func(c *call, a []any) (any, error) {
	start, end := num(a[0]), num(a[1])
	step := 1.0
	if s := argAt(a, 2); s != undefined {
		step = num(s)
	}
	if step == 0 || math.IsNaN(step) || math.IsNaN(start) || math.IsNaN(end) {
		return nil, awsErr("The step of $range must be a non-zero number")
	}
	out := newSeq()
	count := math.Floor((end-start)/step) + 1
	if count > 1e7 {
		return nil, errVal("D2014", count)
	}
	if count > 0 {
		if err := c.ev.chargeItems(int(count)); err != nil {
			return nil, err
		}
	}
	for i := 0.0; i < count; i++ {
		out.push(start + i*step)
	}
	return out, nil
}}}

// FnHash is $hash.
var FnHash = Function{builtin{name: "hash", sigText: "<s-s:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	alg := str(argAt(a, 1))
	h, err := digest.New(alg)
	if errors.Is(err, digest.ErrUnknown) {
		return nil, awsErr("Unsupported hash algorithm %q: use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", alg)
	}
	if err != nil {
		return nil, err
	}
	h.Write([]byte(str(a[0])))
	return hex.EncodeToString(h.Sum(nil)), nil
}}}

// FnRandom is $random.
var FnRandom = Function{builtin{name: "random", sigText: "<n?:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if s := argAt(a, 0); s != undefined {
		return mrand.New(mrand.NewSource(int64(num(s)))).Float64(), nil
	}
	if d := sfnrt.DrawsFrom(c.ev.ctx); d != nil {
		return d.Rand(), nil
	}
	return mrand.Float64(), nil
}}}

// FnUuid is $uuid.
var FnUuid = Function{builtin{name: "uuid", sigText: "<:s>", arity: 0, nparams: 0, fn: func(c *call, a []any) (any, error) {
	if d := sfnrt.DrawsFrom(c.ev.ctx); d != nil {
		return d.UUID(), nil
	}
	// The process-wide generator (ChaCha8, seeded by the operating
	// system), which States.UUID also draws from in an execution
	// with no seed: crypto/rand would link the FIPS 140 module's
	// DRBG into every program that runs JSONata, for this function.
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}}}

// FnParse is $parse.
var FnParse = Function{builtin{name: "parse", sigText: "<s-:x>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	v, err := sfnrt.ParseJSON([]byte(str(a[0])))
	if err != nil {
		return nil, awsErr("$parse: the argument is not valid JSON: %v", err)
	}
	return v, nil
}}}

// awsErr is an error raised by one of Step Functions' own functions (code
// D3200, which the reference implementation does not use).
func awsErr(format string, args ...any) *Error {
	return &Error{Code: "D3200", Position: -1, Message: fmt.Sprintf(format, args...)}
}
