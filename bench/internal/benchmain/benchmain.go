// Package benchmain is the main function of the bench programs: the
// command line of a built state machine binary (sfncli.MainArgs) plus
// profiling flags that only these programs have.
package benchmain

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Profiles are the profiling flags that Split takes out of a command line.
type Profiles struct {
	CPU string // --cpuprofile FILE: CPU profile of the whole process
	Mem string // --memprofile FILE: heap profile (allocations) at exit
}

// Split separates the profiling flags (--cpuprofile FILE, --memprofile
// FILE, or with =FILE, one or two dashes) from the arguments meant for
// sfncli.MainArgs, which it returns in order.
func Split(args []string) (Profiles, []string, error) {
	var p Profiles
	var rest []string
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		var dst *string
		switch {
		case !strings.HasPrefix(args[i], "-"):
		case name == "cpuprofile":
			dst = &p.CPU
		case name == "memprofile":
			dst = &p.Mem
		}
		if dst == nil {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return p, nil, fmt.Errorf("flag needs an argument: %s", args[i])
			}
			i++
			value = args[i]
		}
		*dst = value
	}
	return p, rest, nil
}

// Run runs m with the command line args (defaults first, so that args
// override them), writing the profiles that args ask for, and returns the
// exit code of sfncli.MainArgs (2 for a bad profiling flag).
func Run(m *sfnrt.Machine, defaults, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, rest, err := Split(args)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if p.Mem != "" {
		runtime.MemProfileRate = 4096
	}
	if p.CPU != "" {
		f, err := os.Create(p.CPU)
		if err != nil {
			fmt.Fprintln(stderr, "--cpuprofile:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "--cpuprofile:", err)
			return 2
		}
	}
	code := sfncli.MainArgs(m, append(append([]string(nil), defaults...), rest...), stdin, stdout, stderr)
	if p.CPU != "" {
		pprof.StopCPUProfile()
	}
	if p.Mem != "" {
		f, err := os.Create(p.Mem)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "--memprofile:", err)
			return max(code, 2)
		}
	}
	return code
}

// Main runs m as the process's command line (see Run) and exits.
func Main(m *sfnrt.Machine, defaults ...string) {
	os.Exit(Run(m, defaults, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
