package compiler

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

// maxLabelChars is the longest Map Label AWS accepts.
const maxLabelChars = 40

// lowerMap lowers a Map state; its item processor is a sub-machine.
func (st *stateCtx) lowerMap() ir.State {
	c := st.c
	s := &ir.Map{Common: st.common()}
	if m := c.exclusive(st.obj, true, "ItemProcessor", "Iterator"); m != nil {
		if isDistributed(m.val) {
			s.Processor = c.lowerSub(m.val, processorSchema, scopeDistributed, true)
		} else {
			s.Processor = c.lowerSub(m.val, processorSchema, scopeIteration, false)
		}
		if m.val.kind == kindObject {
			if pc := m.val.val("ProcessorConfig"); pc != nil {
				s.Distributed, s.ExecType = c.processorConfig(pc)
			}
		}
	}
	if n := st.field("ItemsPath"); n != nil {
		s.ItemsPath = c.optPath(n, "ItemsPath", PathFull, true)
	}
	if n := st.field("Items"); n != nil {
		switch {
		case n.kind == kindArray, n.kind == kindString && isExpr(n.s):
			s.Items = c.ataTemplate(n)
		default:
			c.errAt(n, codeSchema, "Expected an array or a JSONata expression but got %s", article(n.kind))
		}
	}
	names := []string{"ItemSelector", "Parameters"}
	if st.jsonata() {
		names = names[:1]
	}
	if m := c.exclusive(st.obj, false, names...); m != nil {
		s.ItemSelector = c.objectTemplate(m.val, st.ql)
	}
	s.MaxConcurrency = st.secondsPair("MaxConcurrency", "MaxConcurrencyPath", 0, 1<<31-1)
	s.ToleratedFailureCount = st.secondsPair("ToleratedFailureCount", "ToleratedFailureCountPath", 0, 1<<31-1)
	s.ToleratedFailurePercentage = st.percentage()
	if n := st.field("ItemBatcher"); n != nil {
		s.ItemBatcher = st.itemBatcher(n)
	}
	if m := st.obj.get("ItemReader"); m != nil {
		s.ItemReader = st.itemReader(m.val)
		st.distributedOnly(m, s.Distributed)
	}
	if m := st.obj.get("ResultWriter"); m != nil {
		s.ResultWriter = st.resultWriter(m.val)
		st.distributedOnly(m, s.Distributed)
	}
	if n := st.field("Label"); n != nil {
		if l, ok := c.str(n); ok {
			c.checkLabel(n, l)
			s.Label = l
		}
	}
	s.ResultSelector, s.ResultPath = st.resultSelectorAndPath()
	s.Retry, s.Catch = st.retryAndCatch()
	return s
}

// isDistributed reports whether an item processor's ProcessorConfig sets
// Mode DISTRIBUTED, before the processor is lowered (processorConfig
// checks the field).
func isDistributed(proc *node) bool {
	mode := proc.val("ProcessorConfig").val("Mode")
	return mode != nil && mode.kind == kindString && mode.s == "DISTRIBUTED"
}

// processorConfig lowers an item processor's ProcessorConfig.
func (c *compiler) processorConfig(n *node) (distributed bool, execType string) {
	if !c.object(n) {
		return false, ""
	}
	c.checkSchema(n, processorConfig, c.topQL)
	if v := n.val("Mode"); v != nil {
		mode, _ := c.enum(v, "INLINE", "DISTRIBUTED")
		distributed = mode == "DISTRIBUTED"
	}
	et := n.get("ExecutionType")
	switch {
	case et != nil && !distributed:
		c.errKey(et, codeSchema, "Field 'ExecutionType' is not supported")
	case et != nil:
		execType, _ = c.enum(et.val, "STANDARD", "EXPRESS")
	case distributed:
		c.require(n, "ExecutionType")
	}
	return distributed, execType
}

// percentage lowers ToleratedFailurePercentage or its …Path form.
func (st *stateCtx) percentage() *ir.Percentage {
	c := st.c
	fields := []string{"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}
	if st.jsonata() {
		fields = fields[:1]
	}
	m := c.exclusive(st.obj, false, fields...)
	if m == nil {
		return nil
	}
	n := m.val
	if m.key == fields[0] {
		if st.jsonata() && n.kind == kindString && isExpr(n.s) {
			if e := c.expr(n); e != nil {
				return &ir.Percentage{Pos: n.pos(), Expr: e}
			}
			return nil
		}
		f, ok := c.float(n, 0, 100)
		if !ok {
			return nil
		}
		return &ir.Percentage{Pos: n.pos(), Literal: f}
	}
	p := c.path(n, m.key, PathReference, true)
	if p == nil {
		return nil
	}
	return &ir.Percentage{Pos: n.pos(), Path: p}
}

// itemBatcher lowers a Map ItemBatcher.
func (st *stateCtx) itemBatcher(n *node) *ir.ItemBatcher {
	c := st.c
	if !c.object(n) {
		return nil
	}
	c.checkSchema(n, batcherSchema, st.ql)
	b := &ir.ItemBatcher{Pos: n.pos()}
	sub := &stateCtx{c: c, sc: st.sc, obj: n, name: st.name, kind: st.kind, ql: st.ql}
	b.MaxItemsPerBatch = sub.secondsPair("MaxItemsPerBatch", "MaxItemsPerBatchPath", 0, 1<<31-1)
	b.MaxInputBytesPerBatch = sub.secondsPair("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", 0, 256*1024)
	if v := n.val("BatchInput"); v != nil {
		b.BatchInput = c.objectTemplate(v, st.ql)
	}
	return b
}

// checkLabel reports a Map Label that is too long or has characters AWS
// does not allow in names.
func (c *compiler) checkLabel(n *node, l string) {
	if utf8.RuneCountInString(l) > maxLabelChars {
		c.errAt(n, codeInvalidLabel, "Label '%s' is longer than %d characters", l, maxLabelChars)
		return
	}
	if i := strings.IndexFunc(l, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r)
	}); i >= 0 {
		c.errAt(n, codeInvalidLabel, "Label '%s' contains the character %q, which is not allowed", l, []rune(l[i:])[0])
	}
}

// distributedOnly reports an ItemReader or ResultWriter on an inline Map:
// only a Map Run reads from or writes to Amazon S3.
func (st *stateCtx) distributedOnly(m *member, distributed bool) {
	if !distributed {
		st.c.errKey(m, codeSchema, "Field '%s' is only supported when ProcessorConfig.Mode is DISTRIBUTED", m.key)
	}
}

// s3ResourceRE matches the S3 resources of ItemReader and ResultWriter,
// with or without a region and account, as AWS accepts them.
var s3ResourceRE = regexp.MustCompile(`^arn:aws[a-z-]*:states:[a-z0-9-]*:[0-9]*:s3:([A-Za-z0-9]+)$`)

// s3Action returns the action of an S3 resource n ("getObject"), reporting
// resources that are not one of actions.
func (c *compiler) s3Action(n *node, actions ...string) (string, bool) {
	r, ok := c.str(n)
	if !ok {
		return "", false
	}
	if m := s3ResourceRE.FindStringSubmatch(r); m != nil {
		for _, a := range actions {
			if m[1] == a {
				return a, true
			}
		}
	}
	c.errAt(n, codeInvalidResource, "Resource '%s' is not supported here: expected one of arn:aws:states:::s3:%s", r, strings.Join(actions, ", arn:aws:states:::s3:"))
	return "", false
}

// maxReaderItems is the largest ReaderConfig.MaxItems AWS accepts.
const maxReaderItems = 100_000_000

// itemReader lowers a Map ItemReader.
func (st *stateCtx) itemReader(n *node) *ir.ItemReader {
	c := st.c
	if !c.object(n) {
		return nil
	}
	c.checkSchema(n, readerSchema, st.ql)
	r := &ir.ItemReader{Pos: n.pos()}
	if v := n.val("Resource"); v != nil {
		if a, ok := c.s3Action(v, "getObject", "listObjectsV2"); ok {
			r.Resource = "arn:aws:states:::s3:" + a
		}
	} else {
		c.require(n, "Resource")
	}
	args := "Parameters"
	if st.jsonata() {
		args = "Arguments"
	}
	if v := n.val(args); v != nil {
		r.Args = c.objectTemplate(v, st.ql)
	} else {
		c.require(n, args)
	}
	rc := n.val("ReaderConfig")
	if rc != nil && c.object(rc) {
		c.checkSchema(rc, readerConfig, st.ql)
		if v := rc.val("InputType"); v != nil {
			r.InputType, _ = c.enum(v, "CSV", "JSON", "JSONL", "MANIFEST")
		}
		if v := rc.val("ManifestType"); v != nil {
			if t, ok := c.enum(v, "S3_INVENTORY", "ATHENA_DATA"); ok && t != "S3_INVENTORY" {
				c.errAt(v, codeUnsupported, "ManifestType '%s' is not supported by sfn-compile (S3_INVENTORY is)", t)
			}
		}
		location := "FIRST_ROW"
		if v := rc.val("CSVHeaderLocation"); v != nil {
			location, _ = c.enum(v, "FIRST_ROW", "GIVEN")
		}
		if m := rc.get("CSVHeaders"); m != nil {
			if location != "GIVEN" {
				c.errKey(m, codeSchema, "Field 'CSVHeaders' is only supported when CSVHeaderLocation is GIVEN")
			} else if c.want(m.val, kindArray) {
				r.CSVHeaders = []string{}
				for _, h := range m.val.items {
					if s, ok := c.str(h); ok {
						r.CSVHeaders = append(r.CSVHeaders, s)
					}
				}
			}
		} else if location == "GIVEN" {
			c.require(rc, "CSVHeaders")
		}
		if v := rc.val("CSVDelimiter"); v != nil {
			r.CSVDelimiter, _ = c.enum(v, "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
		}
		sub := &stateCtx{c: c, sc: st.sc, obj: rc, name: st.name, kind: st.kind, ql: st.ql}
		r.MaxItems = sub.secondsPair("MaxItems", "MaxItemsPath", 0, maxReaderItems)
		if r.InputType != "CSV" {
			for _, f := range []string{"CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"} {
				if m := rc.get(f); m != nil {
					c.errKey(m, codeSchema, "Field '%s' is only supported when InputType is CSV", f)
				}
			}
		}
	}
	switch {
	case r.Resource == "arn:aws:states:::s3:getObject" && r.InputType == "":
		if rc == nil {
			c.require(n, "ReaderConfig")
		} else if rc.kind == kindObject {
			c.require(rc, "InputType")
		}
	case r.Resource == "arn:aws:states:::s3:listObjectsV2" && r.InputType != "":
		c.errAt(rc.val("InputType"), codeSchema, "Field 'InputType' is not supported with Resource arn:aws:states:::s3:listObjectsV2")
	}
	return r
}

// resultWriter lowers a Map ResultWriter: Resource with its Parameters or
// Arguments, WriterConfig, or both, never empty.
func (st *stateCtx) resultWriter(n *node) *ir.ResultWriter {
	c := st.c
	if !c.object(n) {
		return nil
	}
	c.checkSchema(n, writerSchema, st.ql)
	w := &ir.ResultWriter{Pos: n.pos()}
	args := "Parameters"
	if st.jsonata() {
		args = "Arguments"
	}
	res, params, wc := n.val("Resource"), n.val(args), n.val("WriterConfig")
	switch {
	case res == nil && params == nil && wc == nil:
		c.errAt(n, codeSchema, "The ResultWriter field cannot be empty: give Resource and %s, WriterConfig, or all three", args)
	case res != nil || params != nil:
		c.require(n, "Resource", args)
	}
	if res != nil {
		if _, ok := c.s3Action(res, "putObject"); ok {
			w.Export = true
		}
	}
	if params != nil {
		w.Args = c.objectTemplate(params, st.ql)
	}
	if wc != nil && c.object(wc) {
		c.checkSchema(wc, writerConfig, st.ql)
		if v := wc.val("Transformation"); v != nil {
			w.Transformation, _ = c.enum(v, "NONE", "COMPACT", "FLATTEN")
		}
		if v := wc.val("OutputType"); v != nil {
			w.OutputType, _ = c.enum(v, "JSON", "JSONL")
		}
	}
	return w
}
