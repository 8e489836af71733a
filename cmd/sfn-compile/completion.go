package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

const completionHelp = `Prints a completion script for bash or zsh: verbs, each verb's flags
and the values of --type, --arch and --format; files elsewhere. Load it
in the shell's start-up file:

	bash (~/.bashrc): source <(sfn-compile completion bash)
	zsh  (~/.zshrc, after compinit): source <(sfn-compile completion zsh)`

// flagChoices lists the values a flag takes, for completion.
var flagChoices = map[string][]string{
	"type":   {"STANDARD", "EXPRESS"},
	"arch":   {"arm64", "amd64"},
	"format": {"dot", "mermaid", "svg", "html"},
}

// verbWords lists, per verb, its flags (as help writes them) and, for
// those that take no flag but words, the words (cache clean,
// completion bash|zsh, help VERB).
type verbWords struct {
	name      string
	flags     []*flag.Flag
	words     []string
	wantsFile bool
}

// completionWords returns the words of every verb, read from the verbs
// themselves: each parses its flags first, and env.collect hands the
// flag set over instead.
func completionWords() []verbWords {
	var all []verbWords
	for _, v := range verbs {
		w := verbWords{name: v.name, wantsFile: true}
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
			collect: func(fs *flag.FlagSet) {
				fs.VisitAll(func(f *flag.Flag) { w.flags = append(w.flags, f) })
			}}
		v.run(e, nil)
		switch v.name {
		case "cache":
			w.words, w.wantsFile = []string{"clean"}, false
		case "completion":
			w.words, w.wantsFile = []string{"bash", "zsh"}, false
		case "help":
			for _, h := range verbs {
				w.words = append(w.words, h.name)
			}
			w.wantsFile = false
		case "version":
			w.wantsFile = false
		}
		all = append(all, w)
	}
	return all
}

// cmdCompletion prints the completion script of a shell.
func cmdCompletion(e *env, args []string) int {
	fs := newFlags("completion")
	pos, code, ok := parseFlags(e, fs, synopsis("completion"), args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageErrorf(e, "completion", "want one shell, bash or zsh, got %d arguments", len(pos))
	}
	switch pos[0] {
	case "bash":
		bashCompletion(e.stdout, completionWords())
	case "zsh":
		zshCompletion(e.stdout, completionWords())
	default:
		return usageErrorf(e, "completion", "unknown shell %q: want bash or zsh", pos[0])
	}
	return exitOK
}

func bashCompletion(w io.Writer, all []verbWords) {
	var names []string
	for _, v := range all {
		names = append(names, v.name)
	}
	fmt.Fprintf(w, `# bash completion for sfn-compile: source <(sfn-compile completion bash)
_sfn_compile() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local i=1
	while [[ $i -lt $COMP_CWORD && ${COMP_WORDS[i]} == -* ]]; do i=$((i+1)); done
	if [[ $COMP_CWORD -eq $i ]]; then
		COMPREPLY=($(compgen -W %q -- "$cur"))
		return
	fi
	local verb=${COMP_WORDS[i]} flags= words=
	case $verb in
`, strings.Join(append(names, "-q", "-v", "--version", "-h", "--help"), " "))
	for _, v := range all {
		var fl []string
		for _, f := range v.flags {
			fl = append(fl, flagName(f.Name))
		}
		fmt.Fprintf(w, "\t%s) flags=%q; words=%q ;;\n", v.name, strings.Join(fl, " "), strings.Join(v.words, " "))
	}
	fmt.Fprint(w, "\tesac\n\tcase $prev in\n")
	for _, name := range sortedKeys(flagChoices) {
		fmt.Fprintf(w, "\t--%s|-%s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", name, name, strings.Join(flagChoices[name], " "))
	}
	fmt.Fprint(w, `	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$flags -h --help" -- "$cur"))
	elif [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
	fi
	# Nothing: bash completes file names (complete -o default).
}
complete -o default -F _sfn_compile sfn-compile
`)
}

func zshCompletion(w io.Writer, all []verbWords) {
	fmt.Fprint(w, `#compdef sfn-compile
# zsh completion for sfn-compile: source <(sfn-compile completion zsh)
# after compinit, or save as _sfn-compile in a folder of $fpath.
_sfn-compile() {
	local -a verbs
	verbs=(
`)
	for _, v := range verbs {
		fmt.Fprintf(w, "\t\t%s\n", zshQuote(v.name+":"+v.summary))
	}
	fmt.Fprint(w, `	)
	local i=2
	while (( i < CURRENT )) && [[ $words[i] == -* ]]; do (( i++ )); done
	if (( CURRENT == i )); then
		_describe -t verbs 'sfn-compile verb' verbs
		return
	fi
	local verb=$words[i]
	(( CURRENT -= i - 1 ))
	shift $(( i - 1 )) words
	case $verb in
`)
	for _, v := range all {
		var specs []string
		for _, f := range v.flags {
			arg, usage := flag.UnquoteUsage(f)
			usage = strings.NewReplacer("[", "(", "]", ")", "\n", " ", ":", "").Replace(usage)
			spec := flagName(f.Name) + "[" + usage + "]"
			if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
				switch {
				case flagChoices[f.Name] != nil:
					spec += ":" + arg + ":(" + strings.Join(flagChoices[f.Name], " ") + ")"
				case strings.Contains(arg, "FILE") || arg == "BIN":
					spec += ":" + arg + ":_files"
				default:
					spec += ":" + arg + ":"
				}
			}
			specs = append(specs, zshQuote(spec))
		}
		switch {
		case len(v.words) > 0:
			specs = append(specs, zshQuote("1:"+v.name+":("+strings.Join(v.words, " ")+")"))
		case v.wantsFile:
			specs = append(specs, zshQuote("*:file:_files"))
		}
		fmt.Fprintf(w, "\t%s) _arguments %s ;;\n", v.name, strings.Join(specs, " "))
	}
	fmt.Fprint(w, `	esac
}
if [[ $funcstack[1] == _sfn-compile ]]; then
	_sfn-compile "$@"
else
	compdef _sfn-compile sfn-compile
fi
`)
}

// zshQuote quotes s for zsh in single quotes.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
