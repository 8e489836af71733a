package testrun

import (
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The conformance recordings come from LocalStack's snapshot tests, and
// those tests pass AWS's GetExecutionHistory response through snapshot
// transformers before storing it. Placeholders (nondeterministic) undo
// the transformers that replace values; this file undoes the one that
// changes the list of events.
//
// SfnNoneRecursiveParallelTransformer (tests/aws/services/stepfunctions/
// conftest.py) sorts the events between ParallelStateStarted and the end
// of that Parallel state, to make branch order irrelevant. It assigns
// events[start:i] = sorted(sublist) with the start index and sublist of
// the innermost Parallel seen last, so on a Parallel nested in a Parallel
// branch the second and later assignments replace more events than they
// put back: events vanish from the recording (the nested state's
// ParallelStateSucceeded, then its ParallelStateExited and whatever else
// lies in the outer span). AWS emitted them; the snapshot lost them.
//
// So a case recorded by LocalStack whose states differ from an
// execution's history is compared once more, against that history put
// through the same transformation.

// localStackSource reports whether expected.json's source names a
// LocalStack snapshot test.
func localStackSource(source string) bool {
	return strings.HasPrefix(source, "tests/aws/services/stepfunctions/")
}

// snapshotTransformed returns the history events as LocalStack's
// SfnNoneRecursiveParallelTransformer leaves them. Its sorting is left
// out: it only orders events within a Parallel span, which the
// comparison treats as a multiset.
func snapshotTransformed(history []*sfnrt.Object) []*sfnrt.Object {
	events := append([]*sfnrt.Object(nil), history...)
	start := 0 // Python's events[None:i] starts at 0
	var sublist []*sfnrt.Object
	inSublist := false
	// Python's enumerate walks the list as it shrinks: index i goes on
	// from where it was, over the current list.
	for i := 0; i < len(events); i++ {
		typ, _ := events[i].Get("type")
		switch typ {
		case "ParallelStateSucceeded", "ParallelStateAborted", "ParallelStateExited", "ParallelStateFailed":
			lo, hi := min(start, len(events)), min(i, len(events))
			hi = max(hi, lo)
			rest := append(append(append([]*sfnrt.Object(nil), events[:lo]...), sublist...), events[hi:]...)
			events = rest
			inSublist = false
		case "ParallelStateStarted":
			inSublist = true
			sublist = nil
			start = i + 1
		default:
			if inSublist {
				sublist = append(sublist, events[i])
			}
		}
	}
	return events
}
