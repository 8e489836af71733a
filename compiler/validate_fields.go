package compiler

import (
	"math"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// This file holds the schema of ASL objects (which fields each object and
// state kind accepts, in which query language) and the typed accessors that
// check a field's JSON type and range while reading it.

// A langs says in which query languages a field is allowed.
type langs uint8

const (
	onlyPath langs = 1 << iota // JSONPath states only
	onlyAta                    // JSONata states only
	anyLang  = onlyPath | onlyAta
)

func (l langs) allows(ql ir.QueryLanguage) bool {
	if ql == ir.JSONata {
		return l&onlyAta != 0
	}
	return l&onlyPath != 0
}

// A schema maps the fields an object accepts to their languages.
type schema map[string]langs

// State kinds.
const (
	kindTask     = "Task"
	kindPass     = "Pass"
	kindChoice   = "Choice"
	kindWait     = "Wait"
	kindSucceed  = "Succeed"
	kindFail     = "Fail"
	kindParallel = "Parallel"
	kindMap      = "Map"
)

// stateKinds lists the state types in the order used by messages.
var stateKinds = []string{kindTask, kindPass, kindChoice, kindWait, kindSucceed, kindFail, kindParallel, kindMap}

// stateSchemas gives the fields of each state kind (asl-reference §2.1,
// §2.2).
var stateSchemas = func() map[string]schema {
	common := schema{"Type": anyLang, "Comment": anyLang, "QueryLanguage": anyLang}
	flow := schema{"Next": anyLang, "End": anyLang}
	io := schema{"InputPath": onlyPath, "OutputPath": onlyPath, "Output": onlyAta}
	errs := schema{"Retry": anyLang, "Catch": anyLang}
	result := schema{"ResultSelector": onlyPath, "ResultPath": onlyPath}
	assign := schema{"Assign": anyLang}
	merge := func(parts ...schema) schema {
		s := schema{}
		for _, p := range parts {
			for k, v := range p {
				s[k] = v
			}
		}
		return s
	}
	return map[string]schema{
		kindTask: merge(common, flow, io, errs, result, assign, schema{
			"Resource": anyLang, "Parameters": onlyPath, "Arguments": onlyAta,
			"TimeoutSeconds": anyLang, "TimeoutSecondsPath": onlyPath,
			"HeartbeatSeconds": anyLang, "HeartbeatSecondsPath": onlyPath,
			"Credentials": anyLang,
		}),
		kindPass: merge(common, flow, io, assign, schema{
			"Parameters": onlyPath, "Result": onlyPath, "ResultPath": onlyPath,
		}),
		kindChoice: merge(common, io, assign, schema{"Choices": anyLang, "Default": anyLang}),
		kindWait: merge(common, flow, io, assign, schema{
			"Seconds": anyLang, "SecondsPath": onlyPath, "Timestamp": anyLang, "TimestampPath": onlyPath,
		}),
		kindSucceed: merge(common, io),
		kindFail: merge(common, schema{
			"Error": anyLang, "ErrorPath": onlyPath, "Cause": anyLang, "CausePath": onlyPath,
		}),
		kindParallel: merge(common, flow, io, errs, result, assign, schema{
			"Branches": anyLang, "Parameters": onlyPath, "Arguments": onlyAta,
		}),
		kindMap: merge(common, flow, io, errs, result, assign, schema{
			"ItemProcessor": anyLang, "Iterator": anyLang,
			"ItemsPath": onlyPath, "Items": onlyAta,
			"ItemSelector": anyLang, "Parameters": onlyPath,
			"MaxConcurrency": anyLang, "MaxConcurrencyPath": onlyPath,
			"ToleratedFailureCount": anyLang, "ToleratedFailureCountPath": onlyPath,
			"ToleratedFailurePercentage": anyLang, "ToleratedFailurePercentagePath": onlyPath,
			"ItemReader": anyLang, "ItemBatcher": anyLang, "ResultWriter": anyLang, "Label": anyLang,
		}),
	}
}()

// Schemas of the objects inside states.
var (
	topSchema       = schema{"StartAt": anyLang, "States": anyLang, "Comment": anyLang, "Version": anyLang, "TimeoutSeconds": anyLang, "QueryLanguage": anyLang}
	branchSchema    = schema{"StartAt": anyLang, "States": anyLang, "Comment": anyLang}
	processorSchema = schema{"StartAt": anyLang, "States": anyLang, "Comment": anyLang, "ProcessorConfig": anyLang}
	retrierSchema   = schema{"ErrorEquals": anyLang, "IntervalSeconds": anyLang, "MaxAttempts": anyLang, "BackoffRate": anyLang, "MaxDelaySeconds": anyLang, "JitterStrategy": anyLang, "Comment": anyLang}
	catcherSchema   = schema{"ErrorEquals": anyLang, "Next": anyLang, "ResultPath": onlyPath, "Assign": anyLang, "Output": onlyAta, "Comment": anyLang}
	processorConfig = schema{"Mode": anyLang, "ExecutionType": anyLang}
	readerSchema    = schema{"Resource": anyLang, "Parameters": onlyPath, "Arguments": onlyAta, "ReaderConfig": anyLang}
	readerConfig    = schema{"InputType": anyLang, "CSVHeaderLocation": anyLang, "CSVHeaders": anyLang, "CSVDelimiter": anyLang, "ManifestType": anyLang, "MaxItems": anyLang, "MaxItemsPath": onlyPath}
	writerSchema    = schema{"Resource": anyLang, "Parameters": onlyPath, "Arguments": onlyAta, "WriterConfig": anyLang}
	writerConfig    = schema{"Transformation": anyLang, "OutputType": anyLang}
	batcherSchema   = schema{"MaxItemsPerBatch": anyLang, "MaxItemsPerBatchPath": onlyPath, "MaxInputBytesPerBatch": anyLang, "MaxInputBytesPerBatchPath": onlyPath, "BatchInput": anyLang}
)

// checkSchema reports the members of obj that s does not accept, or does
// not accept in query language ql.
func (c *compiler) checkSchema(obj *node, s schema, ql ir.QueryLanguage) {
	for i := range obj.members {
		m := &obj.members[i]
		l, ok := s[m.key]
		switch {
		case !ok:
			c.errKey(m, codeSchema, "Field '%s' is not supported", m.key)
		case !l.allows(ql):
			other := ir.JSONPath
			if ql == ir.JSONPath {
				other = ir.JSONata
			}
			c.errKey(m, codeSchema, "The QueryLanguage is set to '%s', but field '%s' is only supported for the '%s' QueryLanguage", ql, m.key, other)
		}
	}
}

// require reports, at obj, the fields of names that obj lacks.
func (c *compiler) require(obj *node, names ...string) bool {
	var missing []string
	for _, n := range names {
		if obj.get(n) == nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		c.errAt(obj, codeSchema, "These fields are required: [%s]", strings.Join(missing, ", "))
		return false
	}
	return true
}

// exclusive reports when obj has more than one of the fields names; when
// required is set it also reports when obj has none. It returns the field
// present, or nil.
func (c *compiler) exclusive(obj *node, required bool, names ...string) *member {
	var first *member
	for _, n := range names {
		m := obj.get(n)
		if m == nil {
			continue
		}
		if first != nil {
			c.errKey(m, codeSchema, "There should only be one of the following fields: [%s]", strings.Join(names, ", "))
			continue
		}
		first = m
	}
	if first == nil && required {
		c.errAt(obj, codeSchema, "Exactly one of these fields is required: [%s]", strings.Join(names, ", "))
	}
	return first
}

func article(k kind) string {
	switch k {
	case kindNull:
		return "null"
	case kindArray, kindObject:
		return "an " + k.String()
	}
	return "a " + k.String()
}

// want reports when n is not of kind k.
func (c *compiler) want(n *node, k kind) bool {
	if n.kind == k {
		return true
	}
	c.errAt(n, codeSchema, "Expected %s but got %s", article(k), article(n.kind))
	return false
}

// str returns the string n, reporting other types.
func (c *compiler) str(n *node) (string, bool) {
	if !c.want(n, kindString) {
		return "", false
	}
	return n.s, true
}

// nonEmptyStr returns the string n, reporting other types and "".
func (c *compiler) nonEmptyStr(n *node) (string, bool) {
	s, ok := c.str(n)
	if ok && s == "" {
		c.errAt(n, codeSchema, "Value cannot be empty")
		return "", false
	}
	return s, ok
}

// boolean returns the boolean n, reporting other types.
func (c *compiler) boolean(n *node) (bool, bool) {
	if !c.want(n, kindBool) {
		return false, false
	}
	return n.b, true
}

// object reports when n is not an object.
func (c *compiler) object(n *node) bool { return c.want(n, kindObject) }

// maxSeconds is the largest value AWS accepts for timeouts, intervals and
// similar integer fields.
const maxSeconds = 99999999

// integer returns the integer n, which must lie in [lo, hi]. Numbers
// written with a fraction are accepted when their value is integral.
func (c *compiler) integer(n *node, lo, hi int64) (int64, bool) {
	if !c.want(n, kindNumber) {
		return 0, false
	}
	var v int64
	if !n.isFloat {
		i, err := strconv.ParseInt(n.s, 10, 64)
		if err != nil { // out of int64's range
			if strings.HasPrefix(n.s, "-") {
				c.errAt(n, codeSchema, "Minimum value is %d", lo)
			} else {
				c.errAt(n, codeSchema, "Maximum value is %d", hi)
			}
			return 0, false
		}
		v = i
	} else {
		f, _ := strconv.ParseFloat(n.s, 64) // ±Inf when out of range
		if f != math.Trunc(f) {
			c.errAt(n, codeSchema, "Expected an integer but got %s", n.s)
			return 0, false
		}
		if f < float64(lo) {
			c.errAt(n, codeSchema, "Minimum value is %d", lo)
			return 0, false
		}
		if f > float64(hi) {
			c.errAt(n, codeSchema, "Maximum value is %d", hi)
			return 0, false
		}
		v = int64(f)
	}
	if v < lo {
		c.errAt(n, codeSchema, "Minimum value is %d", lo)
		return 0, false
	}
	if v > hi {
		c.errAt(n, codeSchema, "Maximum value is %d", hi)
		return 0, false
	}
	return v, true
}

// float returns the number n, which must lie in [lo, hi].
func (c *compiler) float(n *node, lo, hi float64) (float64, bool) {
	if !c.want(n, kindNumber) {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.s, 64)
	if err != nil && !math.IsInf(f, 0) {
		c.errAt(n, codeSchema, "Invalid number %s", n.s)
		return 0, false
	}
	if f < lo {
		c.errAt(n, codeSchema, "Minimum value is %s", fmtFloat(lo))
		return 0, false
	}
	if f > hi {
		c.errAt(n, codeSchema, "Maximum value is %s", fmtFloat(hi))
		return 0, false
	}
	return f, true
}

func fmtFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// enum returns the string n, which must be one of values.
func (c *compiler) enum(n *node, values ...string) (string, bool) {
	s, ok := c.str(n)
	if !ok {
		return "", false
	}
	for _, v := range values {
		if s == v {
			return s, true
		}
	}
	c.errAt(n, codeSchema, "Invalid value '%s': expected one of [%s]", s, strings.Join(values, ", "))
	return "", false
}
