// Package lazy holds values that package variables build on first use.
package lazy

import "sync"

// A Value is built by the function given to its first Get. Unlike the
// function sync.OnceValue returns, its zero value is ready: a package
// variable of it needs no init code, and a package whose variables are
// all such runs no code at start-up. A binary's code is mapped into
// memory 64 KB around each page touched (README, peak RSS), so a package
// linked for what few executions call, the JSONata engine, then costs
// none of its code's pages until it is used.
type Value[T any] struct {
	once sync.Once
	v    T
}

// Get returns the value, building it with build the first time.
func (l *Value[T]) Get(build func() T) T {
	l.once.Do(func() { l.v = build() })
	return l.v
}
