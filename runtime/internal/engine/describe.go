package engine

import "time"

// describeDateLayout is RFC 3339 with milliseconds, the precision AWS keeps.
const describeDateLayout = "2006-01-02T15:04:05.000Z07:00"

// Describe returns the execution's outcome shaped like the response of
// AWS DescribeExecution: executionArn, stateMachineArn, name, status,
// startDate, stopDate, input (a JSON string), inputDetails, then output
// (a JSON string, SUCCEEDED only) and outputDetails, error and cause where
// the execution has them. Dates are RFC 3339 UTC with milliseconds.
func (r *Result) Describe() *Object {
	o := NewObject(12)
	o.Set("executionArn", r.ExecutionArn())
	o.Set("stateMachineArn", r.MachineArn())
	o.Set("name", r.Name())
	o.Set("status", r.Status)
	o.Set("startDate", describeDate(r.StartDate))
	if !r.StopDate.IsZero() {
		o.Set("stopDate", describeDate(r.StopDate))
	}
	o.Set("input", ToJSON(r.Input))
	o.Set("inputDetails", ObjectOf(Member{"included", true}))
	if r.Status == StatusSucceeded {
		o.Set("output", ToJSON(r.Output))
		o.Set("outputDetails", ObjectOf(Member{"included", true}))
	}
	if r.HasError {
		o.Set("error", r.Error)
	}
	if r.HasCause {
		o.Set("cause", r.Cause)
	}
	return o
}

func describeDate(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format(describeDateLayout)
}
