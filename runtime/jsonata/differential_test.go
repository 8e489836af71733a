package jsonata

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The differential test runs every expression of testdata/differential/
// corpus.txt, and every {% %} expression of the conformance cases that use
// JSONata, through this package and through the reference implementation
// (npm jsonata, see testdata/oracle), and compares the results. It is
// skipped when node or the oracle's node_modules are absent (run
// `npm ci` in testdata/oracle to enable it). Expressions listed in
// testdata/differential/known.txt are known, accepted divergences.

type diffCase struct {
	Expr     string         `json:"expr"`
	Input    any            `json:"input"`
	Bindings map[string]any `json:"bindings"`
	typeOnly bool
	origin   string
}

type oracleResult struct {
	Result    json.RawMessage `json:"result"`
	Undefined bool            `json:"undefined"`
	Function  bool            `json:"function"`
	Error     string          `json:"error"`
	Message   string          `json:"message"`
	Timeout   bool            `json:"timeout"`
}

func oracleAvailable(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("differential test skipped: node is not installed")
	}
	if _, err := os.Stat(filepath.Join("testdata", "oracle", "node_modules", "jsonata", "package.json")); err != nil {
		t.Skip("differential test skipped: run `npm ci` in runtime/jsonata/testdata/oracle to install the reference implementation")
	}
	return node
}

func loadCorpus(t *testing.T) []diffCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "differential", "inputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &inputs); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", "differential", "corpus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []diffCase
	current := "null"
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if strings.HasPrefix(text, "@") {
			current = strings.TrimSpace(text[1:])
			if _, ok := inputs[current]; !ok {
				t.Fatalf("corpus.txt:%d: unknown input %q", line, current)
			}
			continue
		}
		c := diffCase{Expr: text, origin: fmt.Sprintf("corpus.txt:%d", line)}
		if strings.HasPrefix(text, "~") {
			c.Expr, c.typeOnly = text[1:], true
		}
		var in any
		if err := json.Unmarshal(inputs[current], &in); err != nil {
			t.Fatal(err)
		}
		c.Input = in
		c.Bindings = map[string]any{
			"states": map[string]any{"input": in, "context": map[string]any{"Execution": map[string]any{"Id": "e-1"}}},
			"v1":     5, "name": "world", "arr": []any{3, 1, 2},
			"obj": map[string]any{"a": 1, "b": []any{1, 2}},
		}
		cases = append(cases, c)
	}
	return cases
}

// conformanceCases extracts the {% %} expressions of the conformance
// definitions that use JSONata, each evaluated with $states.input bound to
// the case's input.
func conformanceCases(t *testing.T) []diffCase {
	t.Helper()
	defs, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "conformance", "cases", "*", "*", "definition.asl.json"))
	var cases []diffCase
	seen := map[string]bool{}
	for _, def := range defs {
		raw, err := os.ReadFile(def)
		if err != nil || !bytes.Contains(raw, []byte("JSONata")) {
			continue
		}
		var doc any
		if json.Unmarshal(raw, &doc) != nil {
			continue
		}
		var input any = map[string]any{}
		if in, err := os.ReadFile(filepath.Join(filepath.Dir(def), "input.json")); err == nil {
			_ = json.Unmarshal(in, &input)
		}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				s := strings.TrimSpace(x)
				if strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") && len(s) >= 4 {
					expr := s[2 : len(s)-2]
					key := expr + "\x00" + string(mustJSON(input))
					if !seen[key] {
						seen[key] = true
						cases = append(cases, diffCase{Expr: expr, Bindings: map[string]any{
							"states": map[string]any{"input": input, "context": map[string]any{}},
						}, origin: filepath.Base(filepath.Dir(def))})
					}
				}
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(doc)
	}
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].origin < cases[j].origin })
	return cases
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func loadKnown(t *testing.T) map[string]string {
	t.Helper()
	known := map[string]string{}
	raw, err := os.ReadFile(filepath.Join("testdata", "differential", "known.txt"))
	if err != nil {
		return known
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		expr, reason, _ := strings.Cut(l, "\t#")
		known[expr] = strings.TrimSpace(reason)
	}
	return known
}

func TestDifferential(t *testing.T) {
	node := oracleAvailable(t)
	cases := append(loadCorpus(t), conformanceCases(t)...)
	payload, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	// Bound the oracle: on a loaded machine a stuck node process must not
	// hold the whole test run until go test's own deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "oracle", "oracle.js"))
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdin = bytes.NewReader(payload)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Skipf("differential test skipped: the reference implementation did not answer within 3 minutes")
	}
	if err != nil {
		t.Fatalf("oracle failed: %v\n%s", err, stderr.String())
	}
	var results []oracleResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("oracle output unreadable (%v, %d results for %d cases)", err, len(results), len(cases))
	}
	known := loadKnown(t)
	pass, knownFail, fail, timeouts := 0, 0, 0, 0
	for i, c := range cases {
		if results[i].Timeout {
			timeouts++
			t.Logf("%s: %s: the reference implementation timed out; not compared", c.origin, c.Expr)
			continue
		}
		msg := compareWithOracle(c, results[i])
		switch {
		case msg == "":
			pass++
		case known[c.Expr] != "":
			knownFail++
			t.Logf("known divergence %s: %s: %s (%s)", c.origin, c.Expr, msg, known[c.Expr])
		default:
			fail++
			t.Errorf("%s: %s\n\t%s", c.origin, c.Expr, msg)
		}
	}
	compared := len(cases) - timeouts
	t.Logf("differential: %d/%d expressions agree with jsonata 2.2.2 (%.1f%%); %d known divergences, %d unexpected, %d not compared (oracle timeout)",
		pass, compared, 100*float64(pass)/float64(compared), knownFail, fail, timeouts)
}

func compareWithOracle(c diffCase, want oracleResult) string {
	input, _ := sfnrt.ParseJSON(mustJSON(c.Input))
	bind, _ := sfnrt.ParseJSON(mustJSON(c.Bindings))
	vars := MapVars{}
	if o, ok := bind.(*sfnrt.Object); ok {
		for _, m := range o.Members() {
			vars[m.Key] = m.Value
		}
	}
	e, perr := Parse(c.Expr)
	var got any
	var defined bool
	var err error = perr
	if perr == nil {
		got, defined, err = e.Eval(input, vars)
	}
	describeGot := func() string {
		if err != nil {
			return "error " + err.Error()
		}
		if !defined {
			return "undefined"
		}
		return sfnrt.ToJSON(got)
	}
	switch {
	case want.Error != "":
		var je *Error
		var se *SyntaxError
		code := ""
		if errors.As(err, &je) {
			code = je.Code
		} else if errors.As(err, &se) {
			code = se.Code
		}
		if code != want.Error {
			return fmt.Sprintf("want error %s (%s), got %s", want.Error, want.Message, describeGot())
		}
	case want.Undefined:
		if err != nil || defined {
			return "want undefined, got " + describeGot()
		}
	case want.Function:
		if !errors.Is(err, ErrUnsupportedResult) {
			return "want a function result, got " + describeGot()
		}
	default:
		if err != nil || !defined {
			return "want " + string(want.Result) + ", got " + describeGot()
		}
		var w any
		if err := json.Unmarshal(want.Result, &w); err != nil {
			return "bad oracle result"
		}
		wv, _ := sfnrt.ParseJSON(want.Result)
		if c.typeOnly {
			if sfnrt.TypeName(wv) != sfnrt.TypeName(got) {
				return "want type " + sfnrt.TypeName(wv) + ", got " + describeGot()
			}
			return ""
		}
		if !oracleEqual(wv, got) {
			return "want " + string(want.Result) + ", got " + describeGot()
		}
	}
	return ""
}

// oracleEqual compares a result with the oracle's (objects regardless of
// key order, numbers by value, {"nonFinite": "Infinity"} for ±Inf/NaN).
func oracleEqual(want, got any) bool {
	if o, ok := want.(*sfnrt.Object); ok && o.Len() == 1 {
		if nf, ok := o.Get("nonFinite"); ok {
			f, isF := got.(float64)
			if !isF {
				return false
			}
			switch nf {
			case "Infinity":
				return math.IsInf(f, 1)
			case "-Infinity":
				return math.IsInf(f, -1)
			}
			return math.IsNaN(f)
		}
	}
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !oracleEqual(w[i], g[i]) {
				return false
			}
		}
		return true
	case *sfnrt.Object:
		g, ok := got.(*sfnrt.Object)
		if !ok || g.Len() != w.Len() {
			return false
		}
		for _, m := range w.Members() {
			v, ok := g.Get(m.Key)
			if !ok || !oracleEqual(m.Value, v) {
				return false
			}
		}
		return true
	}
	return sfnrt.Equal(want, got)
}
