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
	vars   map[string]any
}

// NewScope returns a scope nested in parent (nil for the top level).
func NewScope(parent *Scope) *Scope { return &Scope{parent: parent} }

// Get returns the value of variable name, searching outer scopes.
func (s *Scope) Get(name string) (any, bool) {
	for ; s != nil; s = s.parent {
		s.mu.RLock()
		v, ok := s.vars[name]
		s.mu.RUnlock()
		if ok {
			return v, true
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
	if s.vars == nil {
		s.vars = make(map[string]any, values.Len())
	}
	for _, m := range values.Members() {
		s.vars[m.Key] = m.Value
	}
	s.mu.Unlock()
}

// Snapshot returns the variables set in this scope (not its parents), with
// their names in sorted order.
func (s *Scope) Snapshot() *Object {
	if s == nil {
		return NewObject(0)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.vars))
	for k := range s.vars {
		names = append(names, k)
	}
	sort.Strings(names)
	o := NewObject(len(names))
	for _, k := range names {
		o.Set(k, s.vars[k])
	}
	return o
}
