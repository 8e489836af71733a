// Package sfnimpl is the part of the sfn-compile runtime that only
// generated code calls: programs and frames, compiled paths and
// predicates, intrinsic functions, JSONata and fused-path helpers, the
// typed-handler codecs. It is for generated code only and makes no
// compatibility promise: any name may change with the generator, which
// refers to each through codegen/rt.go's table. Applications use package
// sfnrt (and sfncli, sfnmock).
//
// Generated code refers to SupportsGenVersion3: a build error there
// means the generated package and this runtime come from different
// releases (re-run go generate, or update the module).
//
// The names here are aliases of runtime/internal/engine's and functions
// that forward to it, written by internal/genrtapi (impl_gen.go).
package sfnimpl
