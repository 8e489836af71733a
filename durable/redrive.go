package durable

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Redrive, as AWS defines it (RedriveExecution): a FAILED, TIMED_OUT or
// ABORTED Standard execution is continued from the state that ended it,
// with the same ARN, input and definition; the states that succeeded are
// not run again (in a Parallel or a Map, neither are the branches and
// iterations that succeeded), its history keeps the first attempt's
// events and goes on after an ExecutionRedriven event.
//
// On DBOS a redrive is dbos.RewindWorkflow of the execution's workflow
// (same workflow ID, hence the same ARN for every verb) to the step that
// wrote the history batch in which the resumed state was entered: the
// steps before it (every Task result, sleep and callback of the states
// before) are kept and replayed, the ones from it are dropped and run
// again. The stream of history batches keeps what was written (DBOS keeps
// stream values across a rewind); the redriven run leaves out the events
// it replays and numbers the others on (see driver.Event). Under a
// Driver, Parallel branches and Map iterations run one after another, so
// the state that ended the execution is the last one entered, and the
// branches and iterations before it are among the kept steps.

// Redrive limits (RedriveExecution's documentation).
const (
	redriveWindow    = 14 * 24 * time.Hour  // from the execution's end
	maxExecutionTime = 365 * 24 * time.Hour // from its start
	// A redriven execution needs room for ExecutionRedriven and at least
	// one more event below the 25,000-event history limit.
	redriveEventLimit = 24999
	clientTokensKept  = 10 // AWS answers the last 10 client tokens idempotently
)

// redriveRecord is what the last redrive of an execution left in its
// workflow's attributes (key "redrive"): what describe-execution shows
// and what the redriven run needs to number its events.
type redriveRecord struct {
	Count int   `json:"count"`
	Date  int64 `json:"date"` // Unix ms
	// Cut is the runtime's id (as a first run numbers it) of the
	// StateEntered event the redriven run resumes from; Step is the DBOS
	// step the workflow was rewound to.
	Cut  int64 `json:"cut"`
	Step int   `json:"step"`
	// Base is the stored id of the ExecutionRedriven event: the event
	// numbered Cut is stored as Base+1.
	Base int64 `json:"base"`
	// Prelude holds the events the redrive adds before the redriven
	// run's (ExecutionAborted for a stopped execution, ExecutionRedriven),
	// as JSON separated by commas; the run writes them with its first.
	Prelude string `json:"prelude"`
	// Tokens are the client tokens of the last redrives, with their dates.
	Tokens []redriveToken `json:"tokens,omitempty"`
	// Cuts are the Cut of every redrive, oldest first
	// (sfnrt.Options.RedriveCuts).
	Cuts []int64 `json:"cuts,omitempty"`
}

// countAt is the redrive in which the state entered at the runtime's
// event id seq runs (0 for r nil): how many redrives resumed at or
// before it.
func (r *redriveRecord) countAt(seq int64) int64 {
	n := int64(0)
	for _, cut := range r.cuts() {
		if seq >= cut {
			n++
		}
	}
	return n
}

// cuts returns r's Cuts; a record written before they were kept knows
// only its last, which stands for the earlier ones.
func (r *redriveRecord) cuts() []int64 {
	if r == nil {
		return nil
	}
	cuts := r.Cuts
	for len(cuts) < r.Count {
		cuts = append([]int64{r.Cut}, cuts...)
	}
	return cuts
}

type redriveToken struct {
	Token string `json:"token"`
	Date  int64  `json:"date"`
}

// stored returns the stored id of the event a redriven run numbers id.
func (r *redriveRecord) stored(id int64) int64 { return id - r.Cut + r.Base + 1 }

const redriveAttribute = "redrive"

// redriveOf reads the redrive record of a workflow; nil when it was
// never redriven.
func redriveOf(ws *dbos.WorkflowStatus) *redriveRecord {
	s, ok := ws.Attributes[redriveAttribute].(string)
	if !ok {
		return nil
	}
	var r redriveRecord
	if json.Unmarshal([]byte(s), &r) != nil {
		return nil
	}
	return &r
}

// readRedrive reads the redrive record of the execution arn (from a
// workflow, outside any step: the record does not change while the
// redriven run runs).
func (e *Executor) readRedrive(arn string) (*redriveRecord, error) {
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDs(arn), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	return redriveOf(&ws[0]), nil
}

// RedriveExecutionOutput is RedriveExecution's answer.
type RedriveExecutionOutput struct {
	RedriveDate string `json:"redriveDate"`
}

// RedriveExecution continues the FAILED, TIMED_OUT or ABORTED execution
// arn from the state that ended it, as AWS's RedriveExecution does (see
// above); a worker runs it. clientToken ("" for none, else 1 to 64
// printable characters) makes the call idempotent: a token among the
// execution's last 10 successful redrives answers that redrive's date
// without redriving again. Errors: ExecutionDoesNotExist,
// ExecutionNotRedrivable (with AWS's reasons), ValidationException.
func (e *Executor) RedriveExecution(ctx context.Context, arn, clientToken string) (*RedriveExecutionOutput, error) {
	if len(clientToken) > 64 || strings.IndexFunc(clientToken, func(r rune) bool { return r < '!' || r > '~' }) >= 0 {
		return nil, apiError("ValidationException", "1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64 and match pattern [!-~]+")
	}
	ws, err := e.statusOf(arn)
	if err != nil {
		return nil, err
	}
	last := redriveOf(ws)
	if last != nil && clientToken != "" {
		for _, t := range last.Tokens {
			if t.Token == clientToken {
				return &RedriveExecutionOutput{RedriveDate: timestamp(time.UnixMilli(t.Date))}, nil
			}
		}
	}
	d := e.describe(ws)
	now := time.Now()
	if reason := notRedrivable(d, now); reason != "" {
		return nil, apiError("ExecutionNotRedrivable", reason)
	}
	batches, err := e.historyBatches(arn)
	if err != nil {
		return nil, err
	}
	next, reason := resumePoint(batches, last)
	if reason != "" {
		return nil, apiError("ExecutionNotRedrivable", reason)
	}
	// The events the redrive adds: ExecutionAborted, which a stopped
	// workflow never wrote (History adds it while the workflow is
	// cancelled), and ExecutionRedriven.
	var prelude []byte
	lastID := next.lastID
	if d.Status == sfnrt.StatusAborted {
		lastID++
		prelude = sfnrt.AppendJSON(prelude, abortedEvent(lastID, d))
		prelude = append(prelude, ',')
	}
	if lastID+2 > redriveEventLimit+1 {
		return nil, apiError("ExecutionNotRedrivable", "Execution history event limit exceeded")
	}
	r := &redriveRecord{Date: now.UnixMilli(), Cut: next.cut, Step: next.step, Base: lastID + 1}
	if last != nil {
		r.Count, r.Tokens, r.Cuts = last.Count, last.Tokens, last.cuts()
	}
	r.Count++
	r.Cuts = append(r.Cuts, next.cut)
	redriven := sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: r.Base}, sfnrt.Member{Key: "previousEventId", Value: r.Base - 1},
		sfnrt.Member{Key: "timestamp", Value: timestamp(now)}, sfnrt.Member{Key: "type", Value: "ExecutionRedriven"},
		sfnrt.Member{Key: "executionRedrivenEventDetails", Value: sfnrt.ObjectOf(sfnrt.Member{Key: "redriveCount", Value: int64(r.Count)})})
	r.Prelude = string(sfnrt.AppendJSON(prelude, redriven))
	if clientToken != "" {
		r.Tokens = append(r.Tokens, redriveToken{Token: clientToken, Date: r.Date})
		if len(r.Tokens) > clientTokensKept {
			r.Tokens = r.Tokens[len(r.Tokens)-clientTokensKept:]
		}
	}
	record, _ := json.Marshal(r)
	// The record first: the rewound workflow reads it as it starts. A
	// stop's error and cause belong to the attempt that was stopped, and
	// so do the callbacks of the states run again.
	attrs := map[string]any{redriveAttribute: string(record), "stopError": nil, "stopCause": nil}
	for k := range ws.Attributes {
		if seq, ok := callbackSeq(k); ok && seq >= r.Cut {
			attrs[k] = nil
		}
	}
	if err := dbos.SetWorkflowAttributes(e.ctx, arn, attrs, dbos.WithMergeAttributes()); err != nil {
		return nil, err
	}
	if _, err := dbos.RewindWorkflow[execOutput](e.ctx, arn, dbos.WithRewindStartStep(uint(r.Step)), dbos.WithRewindQueue(e.queue)); err != nil {
		if now, serr := e.status(arn); serr == nil && now != nil && e.describe(now).Status == StatusRunning {
			// Another redrive (or a worker) got there first; its record
			// stands.
			return nil, apiError("ExecutionNotRedrivable", "Execution is RUNNING and cannot be redriven")
		}
		restore := map[string]any{redriveAttribute: nil, "stopError": ws.Attributes["stopError"], "stopCause": ws.Attributes["stopCause"]}
		if last != nil {
			b, _ := json.Marshal(last)
			restore[redriveAttribute] = string(b)
		}
		_ = dbos.SetWorkflowAttributes(e.ctx, arn, restore, dbos.WithMergeAttributes())
		return nil, err
	}
	return &RedriveExecutionOutput{RedriveDate: timestamp(now)}, nil
}

// notRedrivable returns why the execution d cannot be redriven at now
// (AWS's redriveStatusReason), "" when it can, as far as its description
// tells: resumePoint checks its history.
func notRedrivable(d *Description, now time.Time) string {
	switch d.Status {
	case StatusRunning:
		return "Execution is RUNNING and cannot be redriven"
	case sfnrt.StatusSucceeded:
		return "Execution is SUCCEEDED and cannot be redriven"
	}
	if start, err := time.Parse(time.RFC3339, d.StartDate); err == nil && now.Sub(start) > maxExecutionTime {
		return "Execution has exceeded the max execution time"
	}
	if stop, err := time.Parse(time.RFC3339, d.StopDate); err == nil && now.Sub(stop) > redriveWindow {
		return "Execution redrivable period exceeded"
	}
	return ""
}

// resumeAt is where a redrive resumes: the state entered as event cut
// (the runtime's numbering), whose batch step wrote; lastID is the
// stored history's last event.
type resumeAt struct {
	cut    int64
	step   int
	lastID int64
}

// resumePoint finds where a redrive of the stored history resumes: the
// last state entered, which is the one that ended the execution (or was
// running when it was stopped or timed out); last is the previous
// redrive's record. It returns AWS's reason when there is none.
func resumePoint(batches []storedBatch, last *redriveRecord) (resumeAt, string) {
	p := resumeAt{cut: -1}
	for _, b := range batches {
		if b.step < 0 {
			// Written before batches recorded their step.
			return p, "Execution was started before the launch of RedriveExecution"
		}
		for _, ev := range b.events {
			id, typ := eventID(ev), eventType(ev)
			p.lastID = id
			if strings.HasSuffix(typ, "StateEntered") {
				p.cut, p.step = id, b.step
			}
		}
	}
	switch {
	case last != nil && p.cut > last.Base:
		// Entered by the last redriven run: back to the runtime's numbering.
		p.cut = p.cut - last.Base - 1 + last.Cut
	case last != nil:
		// The last redriven run entered no state before it ended:
		// resume where it resumed.
		p.cut, p.step = last.Cut, last.Step
	case p.cut < 0 && len(batches) > 0:
		// No state was entered: run again from the start (the events
		// after ExecutionStarted, id 1, are new).
		p.cut, p.step = 2, batches[0].step
	case p.cut < 0:
		return p, "Execution history is empty"
	}
	return p, ""
}

func eventID(ev *sfnrt.Object) int64 {
	v, _ := ev.Get("id")
	id, _ := sfnrt.Int(v)
	return id
}

func eventType(ev *sfnrt.Object) string {
	v, _ := ev.Get("type")
	typ, _ := v.(string)
	return typ
}

// storedBatch is a history batch as read back: the step that wrote it
// (-1 for batches written before they recorded it) and its events.
type storedBatch struct {
	step   int
	events []*sfnrt.Object
}

// historyBatches reads the history stream of the execution arn.
func (e *Executor) historyBatches(arn string) ([]storedBatch, error) {
	raw, _, err := dbos.ReadStream[string](e.ctx, arn, historyStream, dbos.WithReadStreamSnapshot())
	if err != nil {
		return nil, err
	}
	batches := make([]storedBatch, 0, len(raw))
	type written struct{ step, first int64 }
	seen := map[written]bool{}
	for _, r := range raw {
		b, err := decodeBatch(r)
		if err != nil {
			return nil, err
		}
		if b.step >= 0 && len(b.events) > 0 {
			// A step run again after a crash, whose batch its first run
			// had written (see stepWithHistory): the same events again.
			w := written{int64(b.step), eventID(b.events[0])}
			if seen[w] {
				continue
			}
			seen[w] = true
		}
		batches = append(batches, b)
	}
	return batches, nil
}

// decodeBatch decodes one value of the history stream.
func decodeBatch(raw string) (storedBatch, error) {
	b := storedBatch{step: -1}
	v, err := sfnrt.ParseJSON([]byte(raw))
	if err != nil {
		return b, err
	}
	var list []any
	switch v := v.(type) {
	case *sfnrt.Object: // {"step":N,"events":[...]}: see driver.flush
		step, _ := v.Get("step")
		if n, ok := sfnrt.Int(step); ok && n >= 0 && n <= math.MaxInt32 {
			b.step = int(n)
		}
		events, _ := v.Get("events")
		list, _ = events.([]any)
	case []any: // the events alone, as stores written before redrive have them
		list = v
	}
	for _, ev := range list {
		if o, ok := ev.(*sfnrt.Object); ok {
			b.events = append(b.events, o)
		}
	}
	return b, nil
}

// abortedEvent is the ExecutionAborted event of the stopped execution d,
// numbered id.
func abortedEvent(id int64, d *Description) *sfnrt.Object {
	ev := sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: id}, sfnrt.Member{Key: "previousEventId", Value: id - 1},
		sfnrt.Member{Key: "timestamp", Value: d.StopDate}, sfnrt.Member{Key: "type", Value: "ExecutionAborted"})
	det := sfnrt.NewObject(2)
	if d.Error != nil {
		det.Set("error", *d.Error)
	}
	if d.Cause != nil {
		det.Set("cause", *d.Cause)
	}
	ev.Set("executionAbortedEventDetails", det)
	return ev
}
