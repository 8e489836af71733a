package jsonata

// $hash needs the hash algorithms, which programs link through
// runtime/sfncrypto (generated code imports it for a machine that calls
// $hash).
import _ "github.com/sfn-compile/sfn-compile/runtime/sfncrypto"
