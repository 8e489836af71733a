package engine

import (
	"encoding/json"
	"math"
	"regexp"
	"testing"
)

var fuzzDocTexts = []string{
	storeDoc,
	`{"a":{"b":[1,{"c":2}]},"d":[[{"e":1}],{"e":2}],"n":null}`,
	`[1,"a",null,true,[],{},[[1],[2,[3]]],{"a":{"a":{"a":[1,2,3]}}}]`,
	`{"":{"":""},"x y":[-1,0.5,1e300,123456789012345678901234567890],"'":"\"","é":"日本"}`,
	`{"items":[{"id":1,"t":[],"s":"a"},{"id":"1","t":null,"s":10},{"u":false,"s":"1.0"}],"limit":2}`,
	`"scalar"`,
	`null`,
	`[]`,
}

// A fuzzPath decodes bytes into a path, so that the fuzzer explores every
// kind of step and predicate.
type fuzzPath struct {
	data []byte
	i    int
}

func (b *fuzzPath) next() int {
	if b.i >= len(b.data) {
		return 0
	}
	c := b.data[b.i]
	b.i++
	return int(c)
}

func (b *fuzzPath) int() int {
	switch c := b.next(); c {
	case 255:
		return math.MaxInt
	case 254:
		return math.MinInt
	default:
		return int(int8(c)) % 8
	}
}

var fuzzNames = []string{"a", "b", "c", "e", "id", "s", "t", "", "x y", "'", "store", "book", "price", "items"}

func (b *fuzzPath) name() string { return fuzzNames[b.next()%len(fuzzNames)] }

func (b *fuzzPath) path(depth int) *JSONPath {
	p := &JSONPath{Source: "$fuzz"}
	for n := b.next() % 6; n > 0; n-- {
		p.Segs = append(p.Segs, b.seg(depth))
	}
	return p
}

func (b *fuzzPath) seg(depth int) Seg {
	switch b.next() % 11 {
	case 0:
		return SegField{b.name()}
	case 1:
		return SegIndex{b.int()}
	case 2:
		return SegWildcard{}
	case 3:
		f := b.next()
		return SegSlice{Start: b.int(), End: b.int(), Step: b.int(), HasStart: f&1 != 0, HasEnd: f&2 != 0, HasStep: f&4 != 0}
	case 4:
		u := SegUnion{}
		for n := b.next()%3 + 1; n > 0; n-- {
			u.Names = append(u.Names, b.name())
		}
		return u
	case 5:
		u := SegUnion{}
		for n := b.next() % 4; n > 0; n-- {
			u.Indexes = append(u.Indexes, b.int())
		}
		return u
	case 6:
		return SegDescent{b.seg(depth + 1)}
	case 7:
		if depth < 3 {
			return SegFilter{b.pred(depth + 1)}
		}
		return SegFilter{}
	case 8:
		return &SegField{b.name()}
	case 9:
		return nil
	}
	return SegField{b.name()}
}

var fuzzOps = []string{"==", "!=", "===", "!==", "<", "<=", ">", ">=", "=~", "in", "nin", "subsetof", "anyof", "noneof", "contains", "size", "empty", "?"}

func (b *fuzzPath) pred(depth int) Pred {
	if depth > 4 {
		return PredExists{b.operand(depth)}
	}
	switch b.next() % 7 {
	case 0:
		return PredExists{b.operand(depth)}
	case 1:
		return PredAnd{b.pred(depth + 1), b.pred(depth + 1)}
	case 2:
		return PredOr{b.pred(depth + 1), b.pred(depth + 1)}
	case 3:
		return PredNot{b.pred(depth + 1)}
	case 4:
		return nil
	}
	return PredCompare{Op: fuzzOps[b.next()%len(fuzzOps)], Left: b.operand(depth), Right: b.operand(depth)}
}

var fuzzLiterals = []any{
	nil, true, false, int64(0), int64(1), int64(-1), 1.5, 1e300, "a", "", "1", "1.0", "10",
	"/a.*/i", "/(/", "/(?=a)/", "/x/x", "[", json.Number("123456789012345678901234567890"),
	[]any{int64(1), "a", nil}, []any{}, ObjectOf(Member{"a", int64(1)}),
	regexp.MustCompile("a+"), (*regexp.Regexp)(nil), 3, float32(2.5), struct{}{},
}

func (b *fuzzPath) operand(depth int) Operand {
	switch b.next() % 3 {
	case 0:
		return Operand{Literal: fuzzLiterals[b.next()%len(fuzzLiterals)]}
	case 1:
		return Operand{Path: b.path(depth + 1), Current: true}
	}
	return Operand{Path: b.path(depth + 1)}
}

// FuzzSelect builds random paths and checks that evaluating them never
// panics, never changes the document, and that Get, Select and Eval agree.
func FuzzSelect(f *testing.F) {
	f.Add([]byte{0, 3, 0, 10, 0, 11, 1, 0})
	f.Add([]byte{1, 2, 6, 2, 7, 6, 0})
	f.Add([]byte{4, 3, 7, 5, 0, 1, 1, 8, 0, 5})
	f.Add([]byte{0, 4, 6, 7, 6, 2, 1, 1, 0, 1, 9, 3, 255, 254, 3})
	f.Add([]byte{2, 2, 6, 1, 3, 3, 200, 6, 0})
	docs := make([]any, len(fuzzDocTexts))
	for i, s := range fuzzDocTexts {
		docs[i] = MustParseJSON(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &fuzzPath{data: data}
		k := b.next() % len(docs)
		root := docs[k]
		before := ToJSON(root)
		p := b.path(0)

		out := p.Select(root)
		v, ok := p.Get(root)
		ev, eok := p.Eval(root)
		if n := p.Normalized(); n == "" || n[0] != '$' {
			t.Errorf("Normalized = %q", n)
		}
		if p.Definite() {
			if len(out) > 1 {
				t.Errorf("definite %s selected %d nodes", p.Normalized(), len(out))
			}
			if ok != (len(out) == 1) || (ok && ToJSON(v) != ToJSON(out[0])) {
				t.Errorf("definite %s: Get = %s, %v; Select = %s", p.Normalized(), ToJSON(v), ok, ToJSON(out))
			}
			if eok != ok || ToJSON(ev) != ToJSON(v) {
				t.Errorf("definite %s: Eval = %s, %v; Get = %s, %v", p.Normalized(), ToJSON(ev), eok, ToJSON(v), ok)
			}
		} else {
			if ok {
				t.Errorf("Get on indefinite %s = %s, true", p.Normalized(), ToJSON(v))
			}
			if a, isArr := ev.([]any); !eok || !isArr || a == nil || ToJSON(a) != ToJSON(out) {
				t.Errorf("indefinite %s: Eval = %#v, %v; Select = %s", p.Normalized(), ev, eok, ToJSON(out))
			}
		}
		if after := ToJSON(root); after != before {
			t.Fatalf("%s changed the document:\n%s\n%s", p.Normalized(), before, after)
		}
	})
}
