package ir

// A StateName names a state; names are unique across a whole definition.
type StateName string

// An ErrorName is an ASL error name such as "States.Timeout".
type ErrorName string

// A QueryLanguage is the language a state's expressions are written in.
type QueryLanguage int

// The query languages.
const (
	JSONPath QueryLanguage = iota
	JSONata
)

func (q QueryLanguage) String() string {
	if q == JSONata {
		return "JSONata"
	}
	return "JSONPath"
}

// A Machine is a state machine: the top level of a definition, a Parallel
// branch or a Map item processor.
type Machine struct {
	Pos            Pos
	Comment        string
	StartAt        StateName
	States         []State // in declaration order
	TimeoutSeconds int64   // 0 when not set; top level only
	QueryLanguage  QueryLanguage
	Version        string
}

// State returns the state called name, or nil.
func (m *Machine) State(name StateName) State {
	for _, s := range m.States {
		if s.Base().Name == name {
			return s
		}
	}
	return nil
}

// A State is one of *Pass, *Task, *Choice, *Wait, *Succeed, *Fail,
// *Parallel and *Map.
type State interface {
	Base() *Common
	isState()
}

// Common holds the fields every state kind has.
type Common struct {
	Pos           Pos
	Name          StateName
	Comment       string
	QueryLanguage QueryLanguage
	// Next is the following state; empty when End is true or the kind has
	// no Next (Choice, Succeed, Fail).
	Next StateName
	End  bool

	InputPath  OptionalPath // JSONPath states
	OutputPath OptionalPath // JSONPath states
	Assign     Template     // nil when absent; JSONPath or JSONata
	Output     Template     // JSONata states: nil when absent
}

// Base returns c; it makes every state kind embedding Common a State.
func (c *Common) Base() *Common { return c }

// An OptionalPath is a path field that may be absent (its default, "$"),
// explicitly null, or a path.
type OptionalPath struct {
	Null bool  // the field was JSON null
	Path *Path // nil when absent or null
}

// IsDefault reports whether the field was absent, meaning "$".
func (p OptionalPath) IsDefault() bool { return !p.Null && p.Path == nil }

// Kind returns the ASL Type of s: "Pass", "Task", "Choice", "Wait",
// "Succeed", "Fail", "Parallel" or "Map".
func Kind(s State) string {
	switch s.(type) {
	case *Pass:
		return "Pass"
	case *Task:
		return "Task"
	case *Choice:
		return "Choice"
	case *Wait:
		return "Wait"
	case *Succeed:
		return "Succeed"
	case *Fail:
		return "Fail"
	case *Parallel:
		return "Parallel"
	case *Map:
		return "Map"
	}
	return "State"
}

// Catchers returns the Catch of s: Task, Parallel and Map states have one.
func Catchers(s State) []Catcher {
	switch s := s.(type) {
	case *Task:
		return s.Catch
	case *Parallel:
		return s.Catch
	case *Map:
		return s.Catch
	}
	return nil
}

// Successors lists the states s can hand over to: its Next, a Choice's
// rule targets and Default, and its catchers' Next.
func Successors(s State) []StateName {
	var out []StateName
	if next := s.Base().Next; next != "" {
		out = append(out, next)
	}
	if c, ok := s.(*Choice); ok {
		for _, br := range c.Choices {
			out = append(out, br.Next)
		}
		if c.Default != "" {
			out = append(out, c.Default)
		}
	}
	for _, c := range Catchers(s) {
		out = append(out, c.Next)
	}
	return out
}
