package server

import (
	"bytes"
	"encoding/json"
)

// AWS's TestState hands a value it did not change back as it was
// written, and writes the values it made compact: its documented
// examples answer the input '{"payload": {"foo": "bar"}}' with "input"
// as written and "afterInputPath" {"foo":"bar"}, and a Choice state's
// output as its input was written; its recorded answers give a mocked
// Map's result "[1, 1, 1]" back as the mock wrote it. The test machine
// writes every value compact, so the answer's values that are the input
// or the mock's result, whole, are given back as those were written.

// verbatim gives back as written each of the answer's values that is,
// whole, one of written (JSON texts as the request wrote them).
func verbatim(out *testStateOutput, written ...string) {
	var compacts []string
	for _, w := range written {
		var b bytes.Buffer
		if json.Compact(&b, []byte(w)) == nil {
			compacts = append(compacts, b.String())
		} else {
			compacts = append(compacts, "")
		}
	}
	restore := func(v *string) {
		if v == nil {
			return
		}
		for i, c := range compacts {
			if c != "" && *v == c {
				*v = written[i]
				return
			}
		}
	}
	restore(out.Output)
	if d := out.InspectionData; d != nil {
		for _, v := range []*string{d.Input, d.AfterInputPath, d.AfterParameters, d.AfterArguments, d.Result,
			d.AfterResultSelector, d.AfterResultPath, d.AfterItemsPath, d.AfterItemSelector} {
			restore(v)
		}
	}
}
