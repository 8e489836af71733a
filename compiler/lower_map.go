package compiler

import (
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
	for _, f := range []string{"ItemReader", "ResultWriter"} {
		if m := st.obj.get(f); m != nil {
			c.object(m.val)
			c.errKey(m, codeUnsupported, "Field '%s' (reading or writing items in Amazon S3) is not supported by sfn-compile", f)
		}
	}
	if n := st.field("Label"); n != nil {
		if l, ok := c.str(n); ok {
			c.checkLabel(n, l)
			s.Label = l
		}
	}
	if n := st.field("ResultSelector"); n != nil {
		s.ResultSelector = c.objectTemplate(n, st.ql)
	}
	if n := st.field("ResultPath"); n != nil {
		s.ResultPath = c.optPath(n, "ResultPath", PathReference, false)
	}
	if n := st.field("Retry"); n != nil {
		s.Retry = st.retry(n)
	}
	if n := st.field("Catch"); n != nil {
		s.Catch = st.catch(n)
	}
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
