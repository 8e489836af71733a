package ir

// A Pointer is an RFC 6901 JSON Pointer into the definition, such as
// "/States/Fetch/Retry/0/BackoffRate".
type Pointer string

// A Pos locates an IR node in its source: the JSON Pointer of the field and
// the byte offset of its value. Line and column are computed from the
// offset only when a diagnostic is printed.
type Pos struct {
	Pointer Pointer
	Offset  int
}
