package compiler

import (
	"strings"
	"unicode"

	"github.com/sfn-compile/sfn-compile/ir"
)

// This file lowers JSON literals to ir.Value and payload templates to
// ir.Template: JSONPath templates (Parameters, ResultSelector, ItemSelector,
// Assign, Credentials, whose "key.$" members hold paths or intrinsic
// calls) and JSONata templates (Arguments, Assign, Items, ItemSelector,
// whose "{% %}" strings are expressions).

// value converts n to an ir.Value.
func value(n *node) ir.Value {
	switch n.kind {
	case kindNull:
		return ir.Null{}
	case kindBool:
		return ir.Bool(n.b)
	case kindNumber:
		return ir.Number{Text: n.s, IsFloat: n.isFloat}
	case kindString:
		return ir.String(n.s)
	case kindArray:
		a := make(ir.Array, len(n.items))
		for i, it := range n.items {
			a[i] = value(it)
		}
		return a
	}
	o := make(ir.Object, len(n.members))
	for i, m := range n.members {
		o[i] = ir.ObjectMember{Key: m.key, Value: value(m.val)}
	}
	return o
}

// isStatic reports whether a lowered template is a constant.
func isStatic(t ir.Template) bool {
	_, ok := t.(*ir.TLiteral)
	return ok
}

// pathTemplate lowers a JSONPath payload template. Parts without "key.$"
// members become a single TLiteral.
func (c *compiler) pathTemplate(n *node) ir.Template {
	switch n.kind {
	case kindObject:
		t := &ir.TObject{Pos: n.pos()}
		static := true
		keys := map[string]*member{}
		for i := range n.members {
			m := &n.members[i]
			key, dynamic := strings.CutSuffix(m.key, ".$")
			if prev, dup := keys[key]; dup && prev.key != m.key {
				c.errKey(m, codeDuplicateField, "The fields '%s' and '%s' both set '%s'", prev.key, m.key, key)
			}
			keys[key] = m
			var v ir.Template
			if dynamic {
				static = false
				switch p, call := c.pathOrCall(m.val, m.key, PathFull); {
				case call != nil:
					v = &ir.TIntrinsic{Pos: m.val.pos(), Field: m.key, Call: call}
				case p != nil:
					v = &ir.TPath{Pos: m.val.pos(), Field: m.key, Path: p}
				default:
					continue
				}
			} else {
				if m.val.kind == kindString && looksDynamic(m.val.s) {
					c.warnAt(m.val, codeNoDollar, "The value of the field '%s' looks like a path or an intrinsic call, but the field name does not end in '.$', so it is used literally", m.key)
				}
				v = c.pathTemplate(m.val)
				static = static && isStatic(v)
			}
			t.Fields = append(t.Fields, ir.TField{Key: key, Value: v})
		}
		if static {
			return &ir.TLiteral{Pos: n.pos(), Value: value(n)}
		}
		return t
	case kindArray:
		t := &ir.TArray{Pos: n.pos()}
		static := true
		for _, it := range n.items {
			v := c.pathTemplate(it)
			static = static && isStatic(v)
			t.Items = append(t.Items, v)
		}
		if static {
			return &ir.TLiteral{Pos: n.pos(), Value: value(n)}
		}
		return t
	}
	return &ir.TLiteral{Pos: n.pos(), Value: value(n)}
}

// ataTemplate lowers a JSONata template: "{% %}" strings anywhere in it
// are expressions, everything else is literal.
func (c *compiler) ataTemplate(n *node) ir.Template {
	switch n.kind {
	case kindString:
		if isExpr(n.s) {
			if e := c.expr(n); e != nil {
				return &ir.TExpr{Expr: e}
			}
		}
	case kindObject:
		t := &ir.TObject{Pos: n.pos()}
		static := true
		for i := range n.members {
			m := &n.members[i]
			c.warnDollarKey(m)
			v := c.ataTemplate(m.val)
			static = static && isStatic(v)
			t.Fields = append(t.Fields, ir.TField{Key: m.key, Value: v})
		}
		if !static {
			return t
		}
	case kindArray:
		t := &ir.TArray{Pos: n.pos()}
		static := true
		for _, it := range n.items {
			v := c.ataTemplate(it)
			static = static && isStatic(v)
			t.Items = append(t.Items, v)
		}
		if !static {
			return t
		}
	}
	return &ir.TLiteral{Pos: n.pos(), Value: value(n)}
}

// warnDollarKey warns about a "key.$" member in a JSONata template: the
// key is kept as written and its value is not a path.
func (c *compiler) warnDollarKey(m *member) {
	if strings.HasSuffix(m.key, ".$") {
		c.warnf(m.keyOff, m.val.ptr(), codeDollarKey, "In JSONata states the field name '%s' is used as written: '.$' does not make its value a path; use a '{%% ... %%}' expression", m.key)
	}
}

// template lowers a payload template in the state's query language.
func (c *compiler) template(n *node, ql ir.QueryLanguage) ir.Template {
	if ql == ir.JSONata {
		return c.ataTemplate(n)
	}
	return c.pathTemplate(n)
}

// objectTemplate lowers a template that must be an object (Parameters,
// ResultSelector, ItemSelector; in JSONata also a "{% %}" string).
func (c *compiler) objectTemplate(n *node, ql ir.QueryLanguage) ir.Template {
	if ql == ir.JSONata && n.kind == kindString && isExpr(n.s) {
		return c.ataTemplate(n)
	}
	if n.kind != kindObject {
		if ql == ir.JSONata {
			c.errAt(n, codeSchema, "Expected an object or a JSONata expression but got %s", article(n.kind))
		} else {
			c.want(n, kindObject)
		}
		return nil
	}
	return c.template(n, ql)
}

// assign lowers an Assign field: an object whose keys name variables.
func (c *compiler) assign(n *node, ql ir.QueryLanguage) ir.Template {
	if !c.object(n) {
		return nil
	}
	for i := range n.members {
		m := &n.members[i]
		name := m.key
		if ql == ir.JSONPath {
			name = strings.TrimSuffix(name, ".$")
		}
		if !validVariable(name) {
			c.errKey(m, codeSchema, "Invalid variable name '%s': it must start with a letter or '_' and contain only letters, digits and '_'", name)
		} else if name == reservedStates {
			c.errKey(m, codeSchema, "The variable name 'states' is reserved")
		} else {
			c.assignVar(name, m.keyOff, m.val.ptr())
		}
	}
	return c.template(n, ql)
}

// validVariable reports whether name can name a workflow variable.
func validVariable(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

// output lowers a JSONata Output field: a template like Arguments, so
// that each member's expression is evaluated (and, when it yields nothing,
// reported by AWS as e.g. Output/result) on its own.
func (c *compiler) output(n *node) ir.Template {
	return c.ataTemplate(n)
}
