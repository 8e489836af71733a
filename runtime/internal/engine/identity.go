package engine

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// idParts is what an execution's name and ARN are made of. Most
// executions are never asked for either (a --repeat run, a machine that
// does not read $$.Execution.Name or .Id and keeps no history): making
// the strings at start cost a twentieth of a small execution, so an
// execution keeps their parts and makes them when first read.
//
// A seeded execution draws its random bits at start from its source, in
// the order it always did, so that its later draws (States.UUID,
// MathRandom, jitter) are what they were. An execution without a seed
// draws nothing at start: it takes the next number of a process-wide
// counter, and its bits are derived from that number when the strings
// are made (see derivedBits).
type idParts struct {
	prefix  string    // the ARN up to the name (machineArns.execution or .express)
	given   string    // the name given (Options.Name); "": a random UUID
	express bool      // an EXPRESS ARN: ':' and a random id follow the name
	derived bool      // bits are derivedBits(seq), not yet derived
	seq     uint64    // the execution's number in the process, when derived
	bits    [4]uint64 // the random UUIDs' bits: the name's (when not given), then an EXPRESS ARN's id
}

// executionSeq numbers the executions without a seed that need random
// bits for their identity.
var executionSeq atomic.Uint64

// nameKey is the process's secret key for derivedBits, drawn once from
// the runtime's generator (ChaCha8, seeded by the operating system's
// entropy) when the first identity is made.
var nameKey = sync.OnceValue(func() [2]uint64 { return [2]uint64{rand.Uint64(), rand.Uint64()} })

// derivedBits returns the random bits of the identity of the execution
// numbered seq, for n UUIDs (1 or 2): the i-th UUID's bits are SipHash-2-4
// (128-bit output) of seq and i under the process's secret random key.
// SipHash is a pseudo-random function: for distinct inputs its outputs
// are indistinguishable from independent random bits to whoever does not
// hold the key, so the names are as proper random version 4 UUIDs as
// drawing them at start made them, as unpredictable, and as unlikely to
// collide (AWS's names are opaque random UUIDs; nothing reads meaning
// into them). Deriving a name costs a few times what two draws did, but
// only an execution whose name or ARN is read pays it, once; the others
// pay one atomic add.
func derivedBits(seq uint64, n int) (bits [4]uint64) {
	k := nameKey()
	var msg [16]byte
	binary.LittleEndian.PutUint64(msg[:], seq)
	for i := range n {
		msg[8] = byte(i)
		bits[2*i], bits[2*i+1] = sipHash128(k[0], k[1], msg[:])
	}
	return bits
}

// madeID is an execution's name and ARN, made.
type madeID struct{ name, arn string }

// draw draws the random bits the identity needs from x's source, or,
// for an execution without a seed, numbers it for derivedBits.
func (p *idParts) draw(x *Execution) {
	if x.rng == nil {
		if p.given == "" || p.express {
			p.derived, p.seq = true, executionSeq.Add(1)
		}
		return
	}
	i := 0
	if p.given == "" {
		p.bits[0], p.bits[1] = x.unsharedPair()
		i = 2
	}
	if p.express {
		p.bits[i], p.bits[i+1] = x.unsharedPair()
	}
}

// make builds the name and ARN.
func (p *idParts) make() *madeID {
	var u [36]byte
	if p.derived {
		// A copy: make does not write p, which goroutines may read at once.
		q := *p
		n := 1
		if p.express && p.given == "" {
			n = 2 // the name's, and the ARN's id
		}
		q.bits, q.derived = derivedBits(p.seq, n), false
		p = &q
	}
	switch {
	case p.prefix == "" && p.given == "":
		// No identity: a refused execution's Result, a zero Execution.
		return &madeID{}
	case p.express:
		name, id := p.given, 0
		if name == "" {
			putUUIDOf(&u, p.bits[0], p.bits[1])
			name, id = string(u[:]), 2
		}
		putUUIDOf(&u, p.bits[id], p.bits[id+1])
		return &madeID{name: name, arn: p.prefix + name + ":" + string(u[:])}
	case p.given != "":
		return &madeID{name: p.given, arn: p.prefix + p.given}
	}
	// One string holds the ARN and, at its end, the random name.
	var buf [160]byte // room for most ARNs: one allocation, the string's
	putUUIDOf(&u, p.bits[0], p.bits[1])
	arn := string(append(append(buf[:0], p.prefix...), u[:]...))
	return &madeID{name: arn[len(p.prefix):], arn: arn}
}

// executionID is an Execution's identity: its parts, and the strings
// once made. Concurrent first reads may both make them; the first to
// store its strings wins, and both hold the same text anyway.
type executionID struct {
	parts idParts
	made  atomic.Pointer[madeID]
}

// identity returns the execution's name and ARN, making them on the
// first call.
func (x *Execution) identity() *madeID {
	if m := x.id.made.Load(); m != nil {
		return m
	}
	m := x.id.parts.make()
	if x.id.made.CompareAndSwap(nil, m) {
		return m
	}
	return x.id.made.Load()
}

// Name returns $$.Execution.Name.
func (x *Execution) Name() string { return x.identity().name }

// ID returns $$.Execution.Id, the execution ARN.
func (x *Execution) ID() string { return x.identity().arn }

// setIdentity gives x the name and ARN of an execution it runs on behalf
// of (a Distributed Map's child, a branch run from its record).
func (x *Execution) setIdentity(name, arn string) {
	x.id.parts = idParts{given: name}
	x.id.made.Store(&madeID{name: name, arn: arn})
}

// copyIdentity gives c x's identity, without making its strings.
func (c *Execution) copyIdentity(x *Execution) {
	c.id.parts = x.id.parts
	if m := x.id.made.Load(); m != nil {
		c.id.made.Store(m)
	}
}

// resultID is a Result's identity: the execution's parts, and its
// strings when something made them while it ran. A Result does not make
// and keep them itself (so that a Result stays a plain value that
// goroutines can read at once): each read of a name never made makes it
// again, the same text every time.
type resultID struct {
	parts idParts
	made  *madeID
}

func (r *resultID) get() *madeID {
	if r.made != nil {
		return r.made
	}
	return r.parts.make()
}

// Name returns the execution's name.
func (r *Result) Name() string {
	if r.id.made == nil && r.id.parts.given != "" {
		return r.id.parts.given
	}
	return r.id.get().name
}

// ExecutionArn returns the execution's ARN.
func (r *Result) ExecutionArn() string { return r.id.get().arn }

// MachineArn returns the state machine's ARN.
func (r *Result) MachineArn() string { return r.machineArn }
