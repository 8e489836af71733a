package engine

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// identityMachine is a one-state machine whose output is what it read of
// $$.Execution (Name and Id) when readsName is set, and its input
// otherwise.
func identityMachine(readsName bool) *Machine {
	return &Machine{Name: "sm", Program: &Program{
		States: []StateInfo{{Name: "P", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if !readsName {
				return End, in, nil
			}
			e, _ := f.Context().Get("Execution")
			name, _ := e.(*Object).Get("Name")
			id, _ := e.(*Object).Get("Id")
			return End, ObjectOf(Member{"name", name}, Member{"id", id}), nil
		},
	}}
}

// An execution's name and ARN are made when first read, and then fixed:
// every read, during the run ($$.Execution) and after (the Result's
// methods), sees the same text, whoever reads first, and the strings are
// shaped as AWS's.
func TestIdentityFixedOnFirstRead(t *testing.T) {
	type ids struct{ Name, Arn, Machine string }
	for _, c := range []struct {
		name      string
		opts      Options
		readsName bool
		arnPrefix string // the ARN up to the name
		suffix    bool   // an EXPRESS ARN: ':' and a UUID after the name
	}{
		{name: "standard, read in the run", readsName: true, arnPrefix: "arn:aws:states:us-east-1:123456789012:execution:sm:"},
		{name: "standard, read after", arnPrefix: "arn:aws:states:us-east-1:123456789012:execution:sm:"},
		{name: "named", opts: Options{Name: "n1"}, arnPrefix: "arn:aws:states:us-east-1:123456789012:execution:sm:"},
		{name: "express, read in the run", opts: Options{Type: "EXPRESS"}, readsName: true,
			arnPrefix: "arn:aws:states:us-east-1:123456789012:express:sm:", suffix: true},
		{name: "express, read after", opts: Options{Type: "EXPRESS"}, arnPrefix: "arn:aws:states:us-east-1:123456789012:express:sm:", suffix: true},
		{name: "express named", opts: Options{Type: "EXPRESS", Name: "n2", Region: "eu-west-1"},
			arnPrefix: "arn:aws:states:eu-west-1:123456789012:express:sm:", suffix: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := identityMachine(c.readsName).Start(context.Background(), ObjectOf(), c.opts)
			if res.Status != StatusSucceeded {
				t.Fatalf("status %s: %s %s", res.Status, res.Error, res.Cause)
			}
			first := ids{res.Name(), res.ExecutionArn(), res.MachineArn()}
			again := ids{res.Name(), res.ExecutionArn(), res.MachineArn()}
			if diff := cmp.Diff(first, again); diff != "" {
				t.Errorf("a second read differs (-first +again):\n%s", diff)
			}
			if c.readsName {
				out := res.Output.(*Object)
				name, _ := out.Get("name")
				id, _ := out.Get("id")
				if diff := cmp.Diff(ids{name.(string), id.(string), first.Machine}, first); diff != "" {
					t.Errorf("$$.Execution and the Result disagree (-in the run +after):\n%s", diff)
				}
			}
			if c.opts.Name != "" && first.Name != c.opts.Name {
				t.Errorf("name %q, want %q", first.Name, c.opts.Name)
			}
			if c.opts.Name == "" && !isUUIDv4(first.Name) {
				t.Errorf("name %q: not a version 4 UUID", first.Name)
			}
			rest, ok := strings.CutPrefix(first.Arn, c.arnPrefix+first.Name)
			if !ok || c.suffix != (rest != "") || c.suffix && (rest[0] != ':' || !isUUIDv4(rest[1:])) {
				t.Errorf("ARN %q: want %s%s%s", first.Arn, c.arnPrefix, first.Name, map[bool]string{true: ":<uuid>"}[c.suffix])
			}
			if want := strings.Replace(c.arnPrefix, map[bool]string{true: "express", false: "execution"}[c.suffix], "stateMachine", 1); first.Machine+":" != want {
				t.Errorf("machine ARN %q, want %q", first.Machine, strings.TrimSuffix(want, ":"))
			}
		})
	}
}

// Goroutines that read an execution's name at once, the first reads of
// it, all get the same text.
func TestIdentityConcurrentFirstReads(t *testing.T) {
	for range 20 {
		x := identityMachine(false).NewExecution(nil, Options{Type: "EXPRESS"})
		var wg sync.WaitGroup
		got := make([]string, 8)
		for i := range got {
			wg.Go(func() { got[i] = x.ID() + " " + x.Name() })
		}
		wg.Wait()
		for _, g := range got[1:] {
			if g != got[0] {
				t.Fatalf("concurrent first reads differ: %q", got)
			}
		}
	}
}

// StartInto overwrites the whole Result it is given, and an execution
// whose identity nobody reads allocates none: the Result is the caller's,
// the execution's state is pooled, the name and ARN are not made.
func TestStartIntoReusesResult(t *testing.T) {
	fail := &Machine{Name: "sm", Program: &Program{
		States: []StateInfo{{Name: "F", Kind: "Fail"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			return End, nil, &Error{Name: "E", Cause: "c", HasCause: true}
		},
	}}
	res := new(Result)
	fail.StartInto(context.Background(), ObjectOf(), &Options{Name: "failed"}, res)
	if res.Status != StatusFailed || !res.HasError || res.Name() != "failed" {
		t.Fatalf("first run: %+v", res)
	}
	m := identityMachine(false)
	in := ObjectOf()
	m.StartInto(context.Background(), in, &Options{}, res)
	if res.Status != StatusSucceeded || res.HasError || res.HasCause || res.Error != "" || res.Cause != "" ||
		res.Output != in || res.Name() == "failed" || !isUUIDv4(res.Name()) {
		t.Errorf("second run left the first's outcome: %+v (name %s)", res, res.Name())
	}
	m.StartInto(context.Background(), in, &Options{}, res) // the pool holds an execution now
	allocs := testing.AllocsPerRun(100, func() {
		m.StartInto(context.Background(), in, &Options{}, res)
	})
	if allocs != 0 {
		t.Errorf("StartInto of an execution nobody asks the name of: %v allocations, want 0", allocs)
	}
}

// isUUIDv4 reports whether s is a lower-case version 4, variant 10 UUID.
func isUUIDv4(s string) bool {
	if len(s) != 36 || s[14] != '4' || !strings.ContainsRune("89ab", rune(s[19])) {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// Executions without a seed derive their names from their number in the
// process: every one is another version 4 UUID, and the same number
// always derives the same bits (so every read of one name agrees).
func TestDerivedNamesDiffer(t *testing.T) {
	m := identityMachine(false)
	seen := map[string]bool{}
	for range 2000 {
		res := m.Start(context.Background(), ObjectOf(), Options{})
		name := res.Name()
		if !isUUIDv4(name) || seen[name] {
			t.Fatalf("name %q: not a fresh version 4 UUID (%d seen)", name, len(seen))
		}
		seen[name] = true
	}
	if derivedBits(7, 2) != derivedBits(7, 2) || derivedBits(7, 2) == derivedBits(8, 2) || derivedBits(7, 1) != [4]uint64{derivedBits(7, 2)[0], derivedBits(7, 2)[1]} {
		t.Error("derivedBits is not a function of the number alone")
	}
}
