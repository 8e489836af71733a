package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// credentialsSchema is the schema of a Task's Credentials object.
var credentialsSchema = schema{"RoleArn": anyLang, "RoleArn.$": onlyPath}

// lowerTask lowers a Task state.
func (st *stateCtx) lowerTask() ir.State {
	c := st.c
	s := &ir.Task{Common: st.common()}
	if n := st.field("Resource"); n != nil {
		if r, ok := c.str(n); ok {
			before := len(c.diags)
			c.checkResource(n, r)
			if len(c.diags) == before {
				st.checkRequiredParameters(r)
			}
			s.Resource = r
		}
	} else {
		c.require(st.obj, "Resource")
	}
	s.Parameters = st.parametersOrArguments()
	s.ResultSelector, s.ResultPath = st.resultSelectorAndPath()
	s.Timeout = st.secondsPair("TimeoutSeconds", "TimeoutSecondsPath", 1, maxSeconds)
	s.Heartbeat = st.secondsPair("HeartbeatSeconds", "HeartbeatSecondsPath", 1, maxSeconds)
	if s.Timeout != nil && s.Heartbeat != nil && s.Timeout.Path == nil && s.Timeout.Expr == nil &&
		s.Heartbeat.Path == nil && s.Heartbeat.Expr == nil && s.Heartbeat.Literal >= s.Timeout.Literal {
		c.errAt(st.obj.val("HeartbeatSeconds"), codeSchema, "HeartbeatSeconds (%d) must be smaller than TimeoutSeconds (%d)", s.Heartbeat.Literal, s.Timeout.Literal)
	}
	if n := st.field("Credentials"); n != nil {
		s.Credentials = st.credentials(n)
	}
	s.Retry, s.Catch = st.retryAndCatch()
	return s
}

// secondsPair lowers a literal field and its …Path alternative, such as
// TimeoutSeconds and TimeoutSecondsPath.
func (st *stateCtx) secondsPair(lit, path string, lo, hi int64) *ir.Seconds {
	fields := []string{lit, path}
	if st.jsonata() {
		fields = fields[:1]
	}
	m := st.c.exclusive(st.obj, false, fields...)
	if m == nil {
		return nil
	}
	if m.key == lit {
		return st.seconds(m.val, lo, hi)
	}
	return st.secondsPath(m.val, path)
}

// credentials lowers a Task's Credentials: exactly RoleArn (a string, or
// in JSONata an expression) or RoleArn.$ (a path or intrinsic call).
func (st *stateCtx) credentials(n *node) ir.Template {
	c := st.c
	if !c.object(n) {
		return nil
	}
	c.checkSchema(n, credentialsSchema, st.ql)
	names := []string{"RoleArn", "RoleArn.$"}
	if st.jsonata() {
		names = names[:1]
	}
	m := c.exclusive(n, false, names...)
	if m == nil {
		c.errAt(n, codeSchema, "The field 'RoleArn' is required but was missing")
		return nil
	}
	if n.get("RoleArn") != nil && n.get("RoleArn.$") != nil {
		return nil // reported by exclusive
	}
	if m.key == "RoleArn" {
		c.str(m.val)
	}
	return c.template(n, st.ql)
}
