package durable

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"strings"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Map Runs of durable executions (DescribeMapRun, ListMapRuns): the
// workflow of an execution writes each of its Map Runs' DescribeMapRun
// document to the stream mapRunStream when the run starts and once it
// has ended, as a step of its sequence (a recovered execution writes the
// same records again, which DBOS skips). The last record of an ARN is
// its description.

// mapRunStream is the DBOS stream of an execution's Map Run records.
const mapRunStream = "map-runs"

// mapRunRecorder follows one execution's Map Runs for its driver.
type mapRunRecorder struct {
	runs  []*sfnrt.MapRun
	ended map[*sfnrt.MapRun]bool // whose final record is written
	watch *mapWatch              // of the children (mapchildren.go)
}

// mapRunStarted is the execution's sfnrt.Options.OnMapRun: it records
// the run as RUNNING.
func (d *driver) mapRunStarted(r *sfnrt.MapRun) {
	d.maps.runs = append(d.maps.runs, r)
	d.writeMapRun(r)
}

// writeEndedMapRuns records the runs that have ended since the last
// call: after every Map Run event of the execution's history, and once
// the execution has ended (a nested run's events are its child's, which
// keeps none).
func (d *driver) writeEndedMapRuns() {
	for _, r := range d.maps.runs {
		if d.maps.ended[r] || r.Describe().Status == sfnrt.MapRunRunning {
			continue
		}
		if d.maps.ended == nil {
			d.maps.ended = map[*sfnrt.MapRun]bool{}
		}
		d.maps.ended[r] = true
		d.writeMapRun(r)
	}
}

// isMapRunEnd reports whether a history event ends a Map Run.
func isMapRunEnd(typ string) bool {
	return typ == "MapRunSucceeded" || typ == "MapRunFailed" || typ == "MapRunAborted"
}

func (d *driver) writeMapRun(r *sfnrt.MapRun) {
	rec := mapRunRecord{Description: describeMapRun(r.Describe()), StateMachineArn: r.StateMachineArn}
	data, _ := json.Marshal(rec)
	// A store failure here leaves the record out; the execution goes on
	// (its next step meets the same failure and ends it).
	dbos.WriteStream(d.wctx, mapRunStream, string(data))
}

// mapRunRecord is one record of mapRunStream.
type mapRunRecord struct {
	Description     MapRunDescription `json:"description"`
	StateMachineArn string            `json:"stateMachineArn"`
}

// MapRunDescription is DescribeMapRun's answer, dates as the other
// operations print them.
type MapRunDescription struct {
	MapRunArn                  string             `json:"mapRunArn"`
	ExecutionArn               string             `json:"executionArn"`
	Status                     string             `json:"status"`
	StartDate                  string             `json:"startDate"`
	StopDate                   string             `json:"stopDate,omitempty"`
	MaxConcurrency             int                `json:"maxConcurrency"`
	ToleratedFailurePercentage float64            `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int                `json:"toleratedFailureCount"`
	ItemCounts                 sfnrt.MapRunCounts `json:"itemCounts"`
	ExecutionCounts            sfnrt.MapRunCounts `json:"executionCounts"`
	RedriveCount               int                `json:"redriveCount"`
}

func describeMapRun(d sfnrt.MapRunDescription) MapRunDescription {
	out := MapRunDescription{
		MapRunArn: d.MapRunArn, ExecutionArn: d.ExecutionArn, Status: d.Status, StartDate: timestamp(d.StartDate),
		MaxConcurrency: d.MaxConcurrency, ToleratedFailurePercentage: d.ToleratedFailurePercentage,
		ToleratedFailureCount: d.ToleratedFailureCount, ItemCounts: d.ItemCounts, ExecutionCounts: d.ExecutionCounts,
		RedriveCount: d.RedriveCount,
	}
	if d.StopDate != nil {
		out.StopDate = timestamp(*d.StopDate)
	}
	return out
}

// MapRunListItem is an entry of ListMapRuns' mapRuns.
type MapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       string `json:"startDate"`
	StopDate        string `json:"stopDate,omitempty"`
}

// ListMapRunsOutput is ListMapRuns' answer.
type ListMapRunsOutput struct {
	MapRuns   []MapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

// mapRuns reads the Map Run records of an execution: the last of each
// ARN, in the order the runs started.
func (e *Executor) mapRuns(arn string) ([]mapRunRecord, error) {
	raw, _, err := dbos.ReadStream[string](e.ctx, arn, mapRunStream, dbos.WithReadStreamSnapshot())
	if err != nil {
		return nil, err
	}
	var recs []mapRunRecord
	index := map[string]int{}
	for _, r := range raw {
		var rec mapRunRecord
		if err := json.Unmarshal([]byte(r), &rec); err != nil {
			return nil, err
		}
		if i, ok := index[rec.Description.MapRunArn]; ok {
			recs[i] = rec
			continue
		}
		index[rec.Description.MapRunArn] = len(recs)
		recs = append(recs, rec)
	}
	return recs, nil
}

// ListMapRuns lists the Map Runs an execution has started, as the Step
// Functions operation of that name does.
func (e *Executor) ListMapRuns(ctx context.Context, executionArn string, maxResults int, nextToken string) (*ListMapRunsOutput, error) {
	maxResults, offset, err := page(maxResults, nextToken)
	if err != nil {
		return nil, err
	}
	if _, err := e.statusOf(executionArn); err != nil {
		return nil, err
	}
	recs, err := e.mapRuns(executionArn)
	if err != nil {
		return nil, err
	}
	out := &ListMapRunsOutput{MapRuns: []MapRunListItem{}}
	recs, out.NextToken = pageOf(recs, offset, maxResults)
	for _, r := range recs {
		d := r.Description
		out.MapRuns = append(out.MapRuns, MapRunListItem{ExecutionArn: d.ExecutionArn, MapRunArn: d.MapRunArn,
			StateMachineArn: r.StateMachineArn, StartDate: d.StartDate, StopDate: d.StopDate})
	}
	return out, nil
}

// DescribeMapRun describes a Map Run of one of the machine's executions,
// as the Step Functions operation of that name does. A Map Run ARN does
// not name its execution: the executions are searched, newest first.
func (e *Executor) DescribeMapRun(ctx context.Context, mapRunArn string) (*MapRunDescription, error) {
	notFound := apiError("ResourceNotFound", "Resource not found: '"+mapRunArn+"'")
	// arn:PARTITION:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:UUID
	parts := strings.Split(mapRunArn, ":")
	if len(parts) != 8 || parts[0] != "arn" || parts[5] != "mapRun" {
		return nil, apiError("InvalidArn", "Invalid Arn: '"+mapRunArn+"'")
	}
	if machine, _, _ := strings.Cut(parts[6], "/"); machine != e.m.Name {
		return nil, notFound
	}
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterName(e.workflow), dbos.WithFilterSortDesc())
	if err != nil {
		return nil, err
	}
	for i := range ws {
		recs, err := e.mapRuns(ws[i].ID)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Description.MapRunArn == mapRunArn {
				d := r.Description
				return &d, nil
			}
		}
	}
	return nil, notFound
}

// mapRunVerbs are the Map Run commands of a durable binary.
var mapRunVerbs = map[string]*verb{
	"list-map-runs": {op: "ListMapRuns", usage: "--execution-arn ARN [--max-results N] [--next-token T]",
		flags: func(fs *flag.FlagSet) {
			fs.String("execution-arn", "", "the execution's `ARN`")
			fs.Int("max-results", 0, "page size `N` (1 to 1000; default 100)")
			fs.String("next-token", "", "the `TOKEN` of the previous page")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return jsonTo{stdout}.print(e.ListMapRuns(ctx, flagString(fs, "execution-arn"), flagInt(fs, "max-results"), flagString(fs, "next-token")))
		}},
	"describe-map-run": {op: "DescribeMapRun", usage: "--map-run-arn ARN",
		flags: func(fs *flag.FlagSet) { fs.String("map-run-arn", "", "the Map Run's `ARN`") },
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return jsonTo{stdout}.print(e.DescribeMapRun(ctx, flagString(fs, "map-run-arn")))
		}},
}

func init() {
	for name, v := range mapRunVerbs {
		verbs[name] = v
	}
	required["list-map-runs"] = []string{"execution-arn"}
	required["describe-map-run"] = []string{"map-run-arn"}
}
