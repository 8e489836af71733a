package engine

import (
	"math"
	"sort"
	"sync"
)

// A Scope holds workflow variables. The top level of a machine has one;
// each Parallel branch and Map iteration gets a child that reads its
// parent's variables.
type Scope struct {
	parent *Scope
	mu     sync.RWMutex
	// A scope's variables are in small, searched in order, until it holds
	// more than scopeSmall of them, and in vars from then on: most
	// machines have a few variables, read and assigned at every state,
	// where hashing the name cost more than comparing it with each.
	small []Member
	vars  map[string]any
	// The JSON size of each variable as an Assign checked against AWS's
	// limits measured it (see assignWithin): smallSizes by the index of
	// small, sizes by name once vars is in use; bytes is their sum. A
	// size is exact, or a bound of it for a small value (exactFrom).
	smallSizes [scopeSmall]int
	sizes      map[string]int
	bytes      int
}

// scopeSmall is the most variables a scope keeps in its slice.
const scopeSmall = 8

// NewScope returns a scope nested in parent (nil for the top level).
func NewScope(parent *Scope) *Scope { return &Scope{parent: parent} }

// Get returns the value of variable name, searching outer scopes.
func (s *Scope) Get(name string) (any, bool) {
	for ; s != nil; s = s.parent {
		s.mu.RLock()
		v, ok := s.lookup(name)
		s.mu.RUnlock()
		if ok {
			return v, true
		}
	}
	return nil, false
}

// lookup finds name in this scope; the caller holds s.mu.
func (s *Scope) lookup(name string) (any, bool) {
	if s.vars != nil {
		v, ok := s.vars[name]
		return v, ok
	}
	for i := range s.small {
		if s.small[i].Key == name {
			return s.small[i].Value, true
		}
	}
	return nil, false
}

// Set assigns variables in this scope, all at once, as an Assign does.
func (s *Scope) Set(values *Object) {
	if values == nil || values.Len() == 0 {
		return
	}
	s.mu.Lock()
	for _, m := range values.Members() {
		s.store(m.Key, m.Value)
	}
	s.mu.Unlock()
}

// restore is Set for the variables of a checkpoint: their sizes are
// measured, so that the limits of later Assigns count them.
func (s *Scope) restore(values *Object) {
	s.Set(values)
	s.mu.Lock()
	s.measure(math.MaxInt / 2)
	s.mu.Unlock()
}

// store assigns one variable; the caller holds s.mu for writing.
func (s *Scope) store(name string, v any) { s.storeSized(name, v, 0) }

// storeSized assigns one variable whose JSON size is size and keeps the
// scope's sum of sizes; the caller holds s.mu for writing.
func (s *Scope) storeSized(name string, v any, size int) {
	if s.vars != nil {
		s.vars[name] = v
		if s.sizes != nil || size != 0 {
			if s.sizes == nil {
				s.sizes = make(map[string]int)
			}
			s.bytes += size - s.sizes[name]
			s.sizes[name] = size
		}
		return
	}
	for i := range s.small {
		if s.small[i].Key == name {
			s.small[i].Value = v
			s.bytes += size - s.smallSizes[i]
			s.smallSizes[i] = size
			return
		}
	}
	if len(s.small) < scopeSmall {
		s.smallSizes[len(s.small)] = size
		s.small = append(s.small, Member{name, v})
		s.bytes += size
		return
	}
	s.vars = make(map[string]any, 2*scopeSmall)
	for _, m := range s.small {
		s.vars[m.Key] = m.Value
	}
	if s.bytes != 0 || size != 0 {
		s.sizes = make(map[string]int, 2*scopeSmall)
		for i, m := range s.small {
			s.sizes[m.Key] = s.smallSizes[i]
		}
		s.sizes[name] = size
	}
	s.vars[name] = v
	s.bytes += size
	s.small = nil
	s.smallSizes = [scopeSmall]int{}
}

// The limits AWS puts on workflow variables (DG "Passing data between
// states with variables", asl-reference §10): an Assign's values
// together, and so each of them, at most 256 KiB of JSON; all the
// variables of an execution at most 10 MiB. Both scale with the
// execution's payload limit (Options.PayloadLimit), of which AWS's are
// one and forty times.
const variablesPerPayload = 40

// exactFrom is the size bound past which assignWithin measures a value
// exactly: below it, keeping the bound (at most six times the size, for
// strings of control characters) costs the totals little, and saves
// reading every byte of the small values most Assigns hold.
const exactFrom = 4096

// assignWithin is Set for an Assign under AWS's limits on variables:
// values at most perAssign bytes of JSON together, and the variables of s
// and of the scopes it is nested in (a Map iteration's or a Parallel
// branch's, their parents') at most total bytes once assigned. Over a
// limit it assigns nothing and returns States.DataLimitExceeded naming
// state.
func (s *Scope) assignWithin(values *Object, perAssign, total int, state string) error {
	if values == nil || values.Len() == 0 {
		return nil
	}
	ms := values.Members()
	var fixed [scopeSmall]int
	sizes := fixed[:0]
	if len(ms) > scopeSmall {
		sizes = make([]int, 0, len(ms))
	}
	sum := 0
	for _, m := range ms {
		n := sizeBound(m.Value, perAssign)
		if n > exactFrom {
			n = jsonSize(m.Value, perAssign)
		}
		sizes = append(sizes, n)
		sum += n
	}
	if sum > perAssign {
		// Some sizes may be bounds: measure them all.
		sum = 0
		for i, m := range ms {
			sizes[i] = jsonSize(m.Value, perAssign)
			if sizes[i] > perAssign {
				return variableTooLarge(state, m.Key, perAssign)
			}
			sum += sizes[i]
		}
		if sum > perAssign {
			return NewError(ErrDataLimitExceeded, "The state/task '"+state+"' assigned variables with a total size exceeding the maximum number of bytes service limit ("+itoa(perAssign)+" bytes in one Assign).")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	after := s.bytes + s.outerBytes()
	for i, m := range ms {
		after += sizes[i] - s.sizeOf(m.Key)
	}
	if after > total/2 {
		// The new sizes may be bounds: measure them, and store them
		// measured from here on, where bounds would soon add up past
		// the limit.
		for i, m := range ms {
			n := jsonSize(m.Value, perAssign)
			after += n - sizes[i]
			sizes[i] = n
		}
	}
	if after > total {
		// So may the stored ones: measure the variables. They stay
		// measured, and past half the limit new ones are stored
		// measured: this walk comes again only once bounds have added
		// up from below half the limit to past it.
		after = s.measure(total) + s.measureOuter(total)
		for i, m := range ms {
			after += sizes[i] - s.sizeOf(m.Key)
		}
		if after > total {
			return NewError(ErrDataLimitExceeded, "The state/task '"+state+"' assigned variables that bring the execution's variables to a size exceeding the maximum number of bytes service limit ("+itoa(total)+" bytes in all).")
		}
	}
	for i, m := range ms {
		s.storeSized(m.Key, m.Value, sizes[i])
	}
	return nil
}

// variableTooLarge is the error of an Assign whose variable name alone is
// over limit bytes.
func variableTooLarge(state, name string, limit int) error {
	return NewError(ErrDataLimitExceeded, "The state/task '"+state+"' assigned variable '$"+name+"' a value with a size exceeding the maximum number of bytes service limit ("+itoa(limit)+" bytes).")
}

// sizeOf returns the stored size of variable name in s (0: none); the
// caller holds s.mu.
func (s *Scope) sizeOf(name string) int {
	if s.vars != nil {
		return s.sizes[name]
	}
	for i := range s.small {
		if s.small[i].Key == name {
			return s.smallSizes[i]
		}
	}
	return 0
}

// outerBytes is the sum of the stored sizes of the scopes s is nested in.
func (s *Scope) outerBytes() int {
	n := 0
	for p := s.parent; p != nil; p = p.parent {
		p.mu.RLock()
		n += p.bytes
		p.mu.RUnlock()
	}
	return n
}

// measureOuter measures the variables of the scopes s is nested in and
// returns their sum (some number past budget once over it). Locks are
// taken from the inner scope out, as everywhere.
func (s *Scope) measureOuter(budget int) int {
	n := 0
	for p := s.parent; p != nil && n <= budget; p = p.parent {
		p.mu.Lock()
		n += p.measure(budget)
		p.mu.Unlock()
	}
	return n
}

// measure replaces the stored sizes of s's variables with their exact
// sizes (or, for one past budget, some number past it) and returns their
// sum; the caller holds s.mu for writing.
func (s *Scope) measure(budget int) int {
	s.bytes = 0
	if s.vars != nil {
		if s.sizes == nil {
			s.sizes = make(map[string]int, len(s.vars))
		}
		for k, v := range s.vars {
			n := jsonSize(v, budget)
			s.sizes[k] = n
			s.bytes += n
		}
		return s.bytes
	}
	for i, m := range s.small {
		n := jsonSize(m.Value, budget)
		s.smallSizes[i] = n
		s.bytes += n
	}
	return s.bytes
}

// Snapshot returns the variables set in this scope (not its parents), with
// their names in sorted order.
func (s *Scope) Snapshot() *Object {
	if s == nil {
		return NewObject(0)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.vars)+len(s.small))
	for k := range s.vars {
		names = append(names, k)
	}
	for _, m := range s.small {
		names = append(names, m.Key)
	}
	sort.Strings(names)
	o := NewObject(len(names))
	for _, k := range names {
		v, _ := s.lookup(k)
		o.Set(k, v)
	}
	return o
}

// Visible returns the variables a state in this scope reads: its own and
// its outer scopes', an inner one hiding an outer one of the same name,
// names sorted. A branch or iteration run from a record (RunChild) reads
// them from one scope restored from this.
func (s *Scope) Visible() *Object {
	var chain []*Scope
	for ; s != nil; s = s.parent {
		chain = append(chain, s)
	}
	if len(chain) == 1 {
		return chain[0].Snapshot()
	}
	values := map[string]any{}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, m := range chain[i].Snapshot().Members() {
			values[m.Key] = m.Value
		}
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	o := NewObject(len(names))
	for _, k := range names {
		o.Set(k, values[k])
	}
	return o
}
