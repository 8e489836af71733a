package engine

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Field returns member name of v when v is an object that has it.
func Field(v any, name string) (any, bool) {
	if o, ok := v.(*Object); ok {
		return o.Get(name)
	}
	return nil, false
}

// A FieldHint is where a lookup of one member name, at one place in
// generated code, last found its member. Executions build their objects
// alike (the input's shape, then ResultPath adding members in the same
// order), so the next lookup there most likely finds the member at the
// same position and needs one key comparison instead of a search. All
// executions of a machine share a hint: it is read and written
// atomically, and a wrong hint costs only the search.
type FieldHint struct{ at atomic.Uint32 }

// FieldAt is Field checking the position h remembers first: h.Lookup.
func FieldAt(v any, name string, h *FieldHint) (any, bool) { return h.Lookup(v, name) }

// Lookup is Field for generated code, checking the position h remembers
// first. (It is small enough to be inlined: the search is fieldAtSlow's.
// A method rather than a function because generated code reaches the
// runtime through sfnimpl, where a function is a forwarding one whose
// cost can tip a caller, a path helper, over the inlining budget, and a
// method of an aliased type is called directly.)
func (h *FieldHint) Lookup(v any, name string) (any, bool) {
	o, ok := v.(*Object)
	if !ok || o == nil {
		return nil, false
	}
	// Keys are distinct (see Object), so a member found at the hint is
	// the one a search would find.
	if i := int(h.at.Load()); i < len(o.members) && o.members[i].Key == name {
		return o.members[i].Value, true
	}
	return o.fieldAtSlow(name, h)
}

// Hit is Lookup's check of the position h remembers, and no more: false
// where v is no object or the member there is not name's, though v may
// have it elsewhere (Search finds it). Generated path helpers call Hit
// and then, on a miss, Search: with no call in it, Hit is inlined, and
// its key comparison is one against the constant name (Lookup, which
// calls the search itself, is over the inlining budget).
func (h *FieldHint) Hit(v any, name string) (any, bool) {
	if o, ok := v.(*Object); ok && o != nil {
		// Keys are distinct (see Object), so a member found at the hint
		// is the one a search would find.
		if i := uint(h.at.Load()); i < uint(len(o.members)) {
			if m := &o.members[i]; m.Key == name {
				return m.Value, true
			}
		}
	}
	return nil, false
}

// Search is Field, moving the hint h to where it finds name: Lookup
// after a Hit that missed.
func (h *FieldHint) Search(v any, name string) (any, bool) {
	o, ok := v.(*Object)
	if !ok || o == nil {
		return nil, false
	}
	return o.fieldAtSlow(name, h)
}

// fieldAtSlow is FieldAt's search, which moves the hint to where it
// finds name.
func (o *Object) fieldAtSlow(name string, h *FieldHint) (any, bool) {
	i := o.find(name)
	if i < 0 {
		return nil, false
	}
	h.at.Store(uint32(i))
	return o.members[i].Value, true
}

// Elem returns element i of v when v is an array that has it; a negative
// i counts from the end.
func Elem(v any, i int) (any, bool) {
	a, ok := v.([]any)
	if !ok {
		return nil, false
	}
	if i < 0 {
		i += len(a)
	}
	if i < 0 || i >= len(a) {
		return nil, false
	}
	return a[i], true
}

// Fail returns the ASL error name with AWS's cause for a failure while
// running the current state: "An error occurred while executing the state
// 'S' (entered at the event id #N). " followed by msg.
func (f *Frame) Fail(name, msg string) *Error {
	return NewError(name, "An error occurred while executing the state '"+f.State+
		"' (entered at the event id #"+strconv.FormatInt(f.enteredEventID, 10)+"). "+msg)
}

// PathNotFound is the States.Runtime error of an InputPath, OutputPath or
// other path field that selects nothing.
func (f *Frame) PathNotFound(source, normalized string) *Error {
	return f.Fail(ErrRuntime, "Invalid path '"+source+"' : No results for path: "+normalized)
}

// FieldPathNotFound is the States.Runtime error of a ".$" template field
// (or ErrorPath, CausePath) whose path selects nothing in input.
func (f *Frame) FieldPathNotFound(source, field string, input any) *Error {
	return f.Fail(ErrRuntime, "The JSONPath '"+source+"' specified for the field '"+field+
		"' could not be found in the input '"+ToJSON(input)+"'")
}

// NormalizedPath renders path steps as Jayway prints them in messages:
// $['a']['b'][0].
func NormalizedPath(steps ...any) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			b.WriteString("['" + s + "']")
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
		}
	}
	return b.String()
}

// MapItemValue returns $$.Map.Item.Value; ok is false outside a Map's
// ItemSelector.
func (f *Frame) MapItemValue() (any, bool) {
	if f.mapItem == nil {
		return nil, false
	}
	return f.mapItem.Value, true
}

// MapItemIndex returns $$.Map.Item.Index; ok is false outside a Map's
// ItemSelector.
func (f *Frame) MapItemIndex() (any, bool) {
	if f.mapItem == nil {
		return nil, false
	}
	return int64(f.mapItem.Index), true
}

// ExecutionInput returns $$.Execution.Input.
func (f *Frame) ExecutionInput() (any, bool) { return f.X.Input, true }

// Context returns the context object $$ as the current state sees it.
func (f *Frame) Context() *Object {
	x := f.X
	c := NewObject(4)
	e := ObjectOf(
		Member{"Id", x.ID()},
		Member{"Input", x.Input},
		Member{"StartTime", FormatTimestamp(x.StartTime)},
		Member{"Name", x.Name()},
		Member{"RoleArn", x.RoleArn},
	)
	if x.Type != "EXPRESS" { // Express executions cannot be redriven
		e.Set("RedriveCount", f.redriveCount())
	}
	c.Set("Execution", e)
	c.Set("StateMachine", ObjectOf(Member{"Id", x.StateMachineID}, Member{"Name", x.StateMachineName}))
	st := ObjectOf(Member{"Name", f.State}, Member{"EnteredTime", FormatTimestamp(f.enteredTime())})
	if f.retries {
		st.Set("RetryCount", int64(f.retryCount))
	}
	c.Set("State", st)
	if tok, ok := f.callbackToken(); ok {
		c.Set("Task", ObjectOf(Member{"Token", tok}))
	}
	if f.mapItem != nil {
		c.Set("Map", ObjectOf(Member{"Item", ObjectOf(
			Member{"Index", int64(f.mapItem.Index)},
			Member{"Value", f.mapItem.Value},
		)}))
	}
	return c
}

// Var returns workflow variable name, or a States.Runtime error when no
// state has assigned it.
func (f *Frame) Var(name string) (any, error) {
	if v, ok := f.Vars.Get(name); ok {
		return v, nil
	}
	return nil, f.Fail(ErrRuntime, "The variable '$"+name+"' is not defined.")
}

// Assign commits the values of a state's Assign; they become visible to
// the states that follow. Under the execution's payload limit the
// variables are held to AWS's limits (see assignWithin): past one, the
// state fails with States.DataLimitExceeded and nothing is assigned.
func (f *Frame) Assign(values *Object) error {
	if limit := f.X.payloadLimit; limit > 0 {
		if err := f.Vars.assignWithin(values, limit, variablesPerPayload*limit, f.State); err != nil {
			return err
		}
	} else {
		f.Vars.Set(values)
	}
	f.assigned = values
	return nil
}

// SetPath returns a copy of root with value stored at the reference path
// given by steps (string member names and int indexes), creating missing
// objects on the way; root itself is not modified. ok is false when the
// path runs through something that is not an object (or a missing array
// element).
func SetPath(root any, value any, steps ...any) (any, bool) {
	if len(steps) == 0 {
		return value, true
	}
	switch s := steps[0].(type) {
	case string:
		r, isObject := root.(*Object)
		if !isObject {
			return nil, false
		}
		// One search for the key serves the lookup and the store.
		i := r.find(s)
		var child any
		if i >= 0 {
			child = r.members[i].Value
		}
		if child == nil && len(steps) > 1 {
			if _, isIndex := steps[1].(int); !isIndex {
				child = NewObject(1)
			}
		}
		nv, ok := SetPath(child, value, steps[1:]...)
		if !ok {
			return nil, false
		}
		return r.withMember(i, s, nv), true
	case int:
		a, ok := root.([]any)
		if !ok {
			return nil, false
		}
		i := s
		if i < 0 {
			i += len(a)
		}
		if i < 0 || i >= len(a) {
			return nil, false
		}
		nv, ok := SetPath(a[i], value, steps[1:]...)
		if !ok {
			return nil, false
		}
		c := append([]any(nil), a...)
		c[i] = nv
		return c, true
	}
	return nil, false
}

// setKey is SetPath(root, value, key): ResultPath's most common form,
// $.key, with no steps to walk.
func setKey(root any, value any, key string) (any, bool) {
	r, isObject := root.(*Object)
	if !isObject {
		return nil, false
	}
	return r.withMember(r.find(key), key, value), true
}

// withMember returns a copy of r with key set to v, where i is the index
// of key's member in r (-1: none).
func (r *Object) withMember(i int, key string, v any) *Object {
	if i >= 0 {
		o := r.Clone()
		o.members[i].Value = v
		return o
	}
	if o := r.extend(key, v); o != nil {
		return o
	}
	// Room for two more members after this one, and their objects'
	// headers: workflows often add one result per state (see extend).
	if o := r.cloneWithHeaders(key, v); o != nil {
		return o
	}
	o := r.cloneWithRoom(3)
	o.Append(key, v)
	return o
}

// CanSetPath reports whether SetPath(root, v, steps...) would succeed,
// without building anything.
func CanSetPath(root any, steps ...any) bool {
	for i, s := range steps {
		switch s := s.(type) {
		case string:
			o, ok := root.(*Object)
			if !ok || i == len(steps)-1 {
				// The last member is set whether or not it exists.
				return ok
			}
			child, found := o.Get(s)
			if !found || child == nil {
				// Missing members are created as objects, unless an
				// index follows.
				if i+1 < len(steps) {
					if _, isIndex := steps[i+1].(int); isIndex {
						return false
					}
				}
				return true
			}
			root = child
		case int:
			if _, ok := Elem(root, s); !ok {
				return false
			}
			root, _ = Elem(root, s)
		}
	}
	return true
}

// ResultPathFailure is the States.ResultPathMatchFailure error of a
// ResultPath that cannot be applied to input.
func (f *Frame) ResultPathFailure(source string, input any) *Error {
	return f.Fail(ErrResultPathMatchFailure, "Unable to apply ResultPath '"+source+"' to input '"+ToJSON(input)+"'")
}

// Sleep waits d on the execution's clock, or its Driver's.
func (f *Frame) Sleep(ctx context.Context, d time.Duration) error {
	if err := f.X.sleep(ctx, d); err != nil {
		return contextError(ctx)
	}
	return nil
}

// Text renders a value for an error name or cause taken from a path:
// strings as they are, anything else as JSON.
func Text(v any) string { return plain(v) }
