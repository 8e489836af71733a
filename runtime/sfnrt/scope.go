package sfnrt

import (
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

// store assigns one variable; the caller holds s.mu for writing.
func (s *Scope) store(name string, v any) {
	if s.vars != nil {
		s.vars[name] = v
		return
	}
	for i := range s.small {
		if s.small[i].Key == name {
			s.small[i].Value = v
			return
		}
	}
	if len(s.small) < scopeSmall {
		s.small = append(s.small, Member{name, v})
		return
	}
	s.vars = make(map[string]any, 2*scopeSmall)
	for _, m := range s.small {
		s.vars[m.Key] = m.Value
	}
	s.vars[name] = v
	s.small = nil
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
