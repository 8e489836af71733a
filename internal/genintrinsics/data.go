package main

// This file is the one table of ASL's intrinsic functions. The generator
// writes it into the compiler (arity and argument kinds, checked when a
// definition is validated), codegen (the runtime function a call
// becomes) and the runtime (the name → function table).

// An argKind is what a function requires of one argument; kinds names
// and explains each.
type argKind int

const (
	argAny argKind = iota
	argString
	argInteger
	argNumber
	argArray
	argObject
	argHashAlg
	argFalse
)

// kinds are written into the compiler as its intrinsicArgKind constants.
var kinds = []struct{ name, doc string }{
	argAny:     {"argAny", "any value"},
	argString:  {"argString", "a string"},
	argInteger: {"argInteger", "an integer (no fraction or exponent)"},
	argNumber:  {"argNumber", "any number"},
	argArray:   {"argArray", "an array: no literal can be one"},
	argObject:  {"argObject", "an object: no literal can be one"},
	argHashAlg: {"argHashAlg", "one of hashAlgorithms"},
	argFalse:   {"argFalse", "the literal false, nothing else"},
}

// An intrinsic is one function: its ASL name, how many arguments it takes
// (max -1: variadic, the last kind repeating), their kinds, and the
// runtime/internal/engine function that implements it.
type intrinsic struct {
	name     string
	min, max int
	args     []argKind
	runtime  string
}

var intrinsics = []intrinsic{
	{"States.Format", 1, -1, []argKind{argString, argAny}, "StatesFormat"},
	{"States.StringToJson", 1, 1, []argKind{argString}, "StatesStringToJson"},
	{"States.JsonToString", 1, 1, []argKind{argAny}, "StatesJsonToString"},
	{"States.Array", 0, -1, []argKind{argAny}, "StatesArray"},
	{"States.ArrayPartition", 2, 2, []argKind{argArray, argInteger}, "StatesArrayPartition"},
	{"States.ArrayContains", 2, 2, []argKind{argArray, argAny}, "StatesArrayContains"},
	{"States.ArrayRange", 3, 3, []argKind{argInteger, argInteger, argInteger}, "StatesArrayRange"},
	{"States.ArrayGetItem", 2, 2, []argKind{argArray, argInteger}, "StatesArrayGetItem"},
	{"States.ArrayLength", 1, 1, []argKind{argArray}, "StatesArrayLength"},
	{"States.ArrayUnique", 1, 1, []argKind{argArray}, "StatesArrayUnique"},
	{"States.Base64Encode", 1, 1, []argKind{argString}, "StatesBase64Encode"},
	{"States.Base64Decode", 1, 1, []argKind{argString}, "StatesBase64Decode"},
	{"States.Hash", 2, 2, []argKind{argString, argHashAlg}, "StatesHash"},
	{"States.JsonMerge", 3, 3, []argKind{argObject, argObject, argFalse}, "StatesJsonMerge"},
	{"States.MathRandom", 2, 3, []argKind{argInteger, argInteger, argInteger}, "StatesMathRandom"},
	{"States.MathAdd", 2, 2, []argKind{argNumber, argNumber}, "StatesMathAdd"},
	{"States.StringSplit", 2, 2, []argKind{argString, argString}, "StatesStringSplit"},
	{"States.UUID", 0, 0, nil, "StatesUUID"},
}

// hashAlgorithms are the algorithms States.Hash accepts.
var hashAlgorithms = []string{"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"}
