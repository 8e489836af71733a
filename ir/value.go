package ir

// A Value is a JSON value written literally in the definition: Null, Bool,
// Number, String, Array or Object.
type Value interface{ isValue() }

// Null is JSON null.
type Null struct{}

// Bool is true or false.
type Bool bool

// Number keeps a JSON number as written, so integers of any size survive.
type Number struct {
	Text    string
	IsFloat bool // written with a fraction or exponent
}

// String is a JSON string.
type String string

// Array is a JSON array.
type Array []Value

// ObjectMember is one member of an Object.
type ObjectMember struct {
	Key   string
	Value Value
}

// Object is a JSON object with its members in the order written.
type Object []ObjectMember

func (Null) isValue()   {}
func (Bool) isValue()   {}
func (Number) isValue() {}
func (String) isValue() {}
func (Array) isValue()  {}
func (Object) isValue() {}
