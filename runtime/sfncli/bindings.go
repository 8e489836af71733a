package sfncli

import "github.com/sfn-compile/sfn-compile/runtime/internal/engine"

// BindingHelp names the ways to give a Task state something to run, for
// the error of one that has none: the engine's message, so that the
// programs that add invokers of their own (runtime/awslambda,
// runtime/integrations) say the same.
const BindingHelp = engine.BindingHelp
