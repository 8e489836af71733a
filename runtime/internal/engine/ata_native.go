package engine

// What natively compiled JSONata needs beyond ata.go's operators: member
// reads that remember where they found their member, and the JSONata
// form of ResultPath bounded the way SetResult bounds ResultPath.

// AtaStep is one step of AtaLookup, checking the position h remembers
// first (see FieldHint): a missing member or a step on a scalar is
// undefined; native is false on an array, which the path would map over.
func (h *FieldHint) AtaStep(v any, key string) (result any, defined, native bool) {
	if o, ok := v.(*Object); ok && o != nil { // a nil *Object has no members, as Get says
		// Keys are distinct, so a member found at the hint is the one a
		// search would find.
		if i := int(h.at.Load()); i < len(o.members) && o.members[i].Key == key {
			return o.members[i].Value, true, true
		}
		w, found := o.fieldAtSlow(key, h)
		return w, found, true
	}
	_, isArray := v.([]any)
	return nil, false, !isArray
}

// AtaMergeInput is AtaMergeMember for $merge([$states.input, {key: v}]),
// where o is the state's input in as the native code read it (in itself
// unless normalising it changed something). Like SetResult for
// ResultPath, it bounds the size of what it makes from the bounds the
// frame keeps of in and of v (a Task's result, a Parallel's), so that
// the check of the state's output does not walk the whole input again.
func (f *Frame) AtaMergeInput(in, o any, key string, v any) (any, bool) {
	if _, isObject := o.(*Object); !isObject {
		return nil, false
	}
	if !samePayload(o, in) {
		f.madeBound = 0
		return setKey(o, v, key)
	}
	return f.SetResultKey(o, v, key)
}
