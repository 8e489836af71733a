package sfncli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// PrintFlags is flag.PrintDefaults in the style of the help texts of
// sfn-compile and of the binaries it builds: a one-letter flag as -x, any
// other as --name, as the README and the synopses write them (Go's flag
// package accepts either dash count).
func PrintFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if len(f.Name) == 1 {
			line = "  -" + f.Name
		}
		if arg != "" {
			line += " " + arg
		}
		fmt.Fprintln(w, line)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool && f.DefValue != "" && f.DefValue != "0" {
			if g, ok := f.Value.(flag.Getter); ok {
				if _, isString := g.Get().(string); isString {
					usage += fmt.Sprintf(" (default %q)", f.DefValue)
				} else {
					usage += " (default " + f.DefValue + ")"
				}
			}
		}
		fmt.Fprintln(w, "    \t"+strings.ReplaceAll(usage, "\n", "\n    \t"))
	})
}
