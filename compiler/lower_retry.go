package compiler

import (
	"github.com/sfn-compile/sfn-compile/ir"
)

// This file lowers Retry and Catch (asl-reference §6), shared by Task,
// Parallel and Map.

const errAll = "States.ALL"

// Retry defaults (asl-reference §6.2).
const (
	defaultInterval    = 1
	defaultMaxAttempts = 3
	defaultBackoff     = 2.0
	maxDelaySeconds    = 31622400 // one year and a day
)

// errorEquals lowers the ErrorEquals array of a retrier or catcher (what
// names it in messages): non-empty strings, States.ALL alone and only in
// the last one (last says whether obj is).
func (c *compiler) errorEquals(obj *node, what string, last bool) []ir.ErrorName {
	names, all := c.errorNames(obj)
	if all && !last {
		c.errAt(obj.val("ErrorEquals"), codeSchema, "%s must appear in the last %s", errAll, what)
	}
	return names
}

// errorNames lowers an ErrorEquals array: non-empty strings, States.ALL
// alone. It reports whether States.ALL is present.
func (c *compiler) errorNames(obj *node) ([]ir.ErrorName, bool) {
	n := obj.val("ErrorEquals")
	if n == nil || !c.want(n, kindArray) {
		return nil, false
	}
	if len(n.items) == 0 {
		c.errAt(n, codeSchema, "Value cannot be empty")
		return nil, false
	}
	var names []ir.ErrorName
	all := false
	for _, it := range n.items {
		s, ok := c.nonEmptyStr(it)
		if !ok {
			continue
		}
		if s == errAll {
			all = true
			if len(n.items) > 1 {
				c.errAt(it, codeSchema, "%s must appear alone in ErrorEquals", errAll)
			}
		}
		names = append(names, ir.ErrorName(s))
	}
	return names, all
}

// retryAndCatch lowers the error handling of a Task, Parallel or Map
// state: its Retry and Catch fields, either of which may be absent.
func (st *stateCtx) retryAndCatch() (retry []ir.Retrier, catch []ir.Catcher) {
	if n := st.field("Retry"); n != nil {
		retry = st.retry(n)
	}
	if n := st.field("Catch"); n != nil {
		catch = st.catch(n)
	}
	return retry, catch
}

// retry lowers a Retry array.
func (st *stateCtx) retry(n *node) []ir.Retrier {
	c := st.c
	if !c.want(n, kindArray) {
		return nil
	}
	var out []ir.Retrier
	for i, it := range n.items {
		if !c.object(it) {
			continue
		}
		c.checkSchema(it, retrierSchema, st.ql)
		c.require(it, "ErrorEquals")
		r := ir.Retrier{Pos: it.pos(), IntervalSeconds: defaultInterval, MaxAttempts: defaultMaxAttempts, BackoffRate: defaultBackoff}
		r.ErrorEquals = c.errorEquals(it, "retrier", i == len(n.items)-1)
		if v := it.val("Comment"); v != nil {
			c.str(v)
		}
		if v := it.val("IntervalSeconds"); v != nil {
			if x, ok := c.integer(v, 1, maxSeconds); ok {
				r.IntervalSeconds = x
			}
		}
		if v := it.val("MaxAttempts"); v != nil {
			if x, ok := c.integer(v, 0, maxSeconds); ok {
				r.MaxAttempts = x
			}
		}
		if v := it.val("BackoffRate"); v != nil {
			if x, ok := c.float(v, 1, 1e9); ok {
				r.BackoffRate = x
			}
		}
		if v := it.val("MaxDelaySeconds"); v != nil {
			r.MaxDelaySeconds, _ = c.integer(v, 1, maxDelaySeconds)
		}
		if v := it.val("JitterStrategy"); v != nil {
			s, _ := c.enum(v, "FULL", "NONE")
			r.JitterFull = s == "FULL"
		}
		out = append(out, r)
	}
	return out
}

// catch lowers a Catch array.
func (st *stateCtx) catch(n *node) []ir.Catcher {
	c := st.c
	if !c.want(n, kindArray) {
		return nil
	}
	var out []ir.Catcher
	for i, it := range n.items {
		if !c.object(it) {
			st.sc.broken = true
			continue
		}
		c.checkSchema(it, catcherSchema, st.ql)
		c.require(it, "ErrorEquals", "Next")
		k := ir.Catcher{Pos: it.pos()}
		k.ErrorEquals = c.errorEquals(it, "catcher", i == len(n.items)-1)
		if v := it.val("Comment"); v != nil {
			c.str(v)
		}
		if v := it.val("Next"); v != nil {
			k.Next = st.target(v)
		} else {
			st.sc.broken = true
		}
		if v := it.val("ResultPath"); v != nil && !st.jsonata() {
			k.ResultPath = c.optPath(v, "ResultPath", PathReference, false)
		}
		c.inCatcher = true // $states.errorOutput is available here
		if v := it.val("Assign"); v != nil {
			k.Assign = c.assign(v, st.ql)
		}
		if v := it.val("Output"); v != nil && st.jsonata() {
			k.Output = c.output(v)
		}
		c.inCatcher = false
		out = append(out, k)
	}
	return out
}
