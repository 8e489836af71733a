// Command sfn-compile compiles Amazon States Language state machines to Go.
// Run "sfn-compile help" for the verbs.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
