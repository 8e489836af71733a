package engine

// Workflow variables in fused code: a JSONata state that fused code runs
// keeps the variables it assigns in Go locals, checked against AWS's
// limits by bounds (see Frame.Assign), and stores them in the scope where
// it hands over to the ordinary code.

// FastVarRoom returns what the limit on the execution's variables leaves
// to the variables fused code assigns from here on: the limit less what
// this scope and those it is nested in hold now (their stored sizes,
// bounds or exact). Fused code whose variables may not fit hands the
// state to the ordinary code, which measures them.
func (f *Frame) FastVarRoom() int {
	limit := f.X.payloadLimit
	if limit <= 0 {
		return variablesPerPayload * noPayloadLimit
	}
	s := f.Vars
	s.mu.RLock()
	n := s.bytes
	s.mu.RUnlock()
	return variablesPerPayload*limit - n - s.outerBytes()
}

// FastAssign stores variable name, which fused code assigned and checked
// against the limits (see FastVarRoom), in the frame's scope, with a
// bound of its size for the checks of later Assigns.
func (f *Frame) FastAssign(name string, v any) {
	s := f.Vars
	size := 0
	if limit := f.X.payloadLimit; limit > 0 {
		size = sizeBound(v, limit)
	}
	s.mu.Lock()
	s.storeSized(name, v, size)
	s.mu.Unlock()
}
