package server

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/graph"
)

// The console's execution pages: a Standard machine's executions
// (filtered by status, with start, stop and redrive buttons that call
// the API from the page's script) and one execution's page (the graph
// with the path it took, its events, its input and output), which
// reloads itself while the execution runs.

// consoleStatuses are the statuses the executions page filters by.
var consoleStatuses = []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}

type executionRow struct {
	Name, ARN, Status, Started, Stopped string
	Link                                string // the execution's page
}

func consoleEpoch(s string) string {
	if s == "" {
		return ""
	}
	return consoleDate(parseTime(s))
}

// executions serves /executions?machine=NAME[&status=STATUS].
func (c consoleHandler) executions(w http.ResponseWriter, r *http.Request) {
	s := c.s
	name, status := r.URL.Query().Get("machine"), r.URL.Query().Get("status")
	s.mu.Lock()
	m := s.reg.byName(name)
	var arn, typ string
	if m != nil {
		arn, typ = m.ARN, m.Type
	}
	s.mu.Unlock()
	if m == nil || typ != "STANDARD" {
		http.NotFound(w, r)
		return
	}
	data := struct {
		Machine, ARN, Status string
		Statuses             []string
		Executions           []executionRow
		Error                string
	}{Machine: name, ARN: arn, Status: status, Statuses: consoleStatuses}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	c2, err := s.standard.open()
	if err == nil {
		list, lerr := c2.Machine(name, "").ListExecutions(ctx, status, 1000, "")
		err = fromDurable(lerr)
		if err == nil {
			for _, e := range list.Executions {
				data.Executions = append(data.Executions, executionRow{
					Name: e.Name, ARN: e.ExecutionArn, Status: e.Status,
					Started: consoleEpoch(e.StartDate), Stopped: consoleEpoch(e.StopDate),
					Link: "/execution?arn=" + url.QueryEscape(e.ExecutionArn),
				})
			}
		}
	}
	if err != nil {
		data.Error = err.Error()
	}
	render(w, executionsPage, data)
}

type eventRow struct {
	ID, Type, Time, Details string
}

// execution serves /execution?arn=ARN.
func (c consoleHandler) execution(w http.ResponseWriter, r *http.Request) {
	s := c.s
	arn := r.URL.Query().Get("arn")
	a, aerr := parseARN(arn, "execution")
	if aerr != nil || a.qualifier == "" {
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	client, err := s.standard.open()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	view := client.Machine(a.name, "")
	d, err := view.DescribeExecution(ctx, arn)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	data := struct {
		Machine, Name, ARN, Status, Started, Stopped string
		Input, Output, Error, Cause                  string
		HasOutput, HasError, Running                 bool
		Graph                                        template.HTML
		Events                                       []eventRow
	}{Machine: a.name, Name: d.Name, ARN: d.ExecutionArn, Status: d.Status,
		Started: consoleEpoch(d.StartDate), Stopped: consoleEpoch(d.StopDate), Running: d.Status == "RUNNING"}
	data.Input = indentJSON(deref(d.Input))
	if d.Output != nil {
		data.Output, data.HasOutput = indentJSON(*d.Output), true
	}
	if d.Error != nil || d.Cause != nil {
		data.Error, data.Cause, data.HasError = deref(d.Error), deref(d.Cause), true
	}
	// Every event, a page at a time: the history of a Standard execution
	// holds at most 25,000.
	var events []json.RawMessage
	for token := ""; ; {
		h, err := view.GetExecutionHistory(ctx, arn, false, 1000, token, true)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		events = append(events, h.Events...)
		if token = h.NextToken; token == "" {
			break
		}
	}
	for _, ev := range events {
		var e struct {
			ID        int64  `json:"id"`
			Type      string `json:"type"`
			Timestamp string `json:"timestamp"`
		}
		json.Unmarshal(ev, &e)
		var details map[string]json.RawMessage
		json.Unmarshal(ev, &details)
		delete(details, "id")
		delete(details, "previousEventId")
		delete(details, "type")
		delete(details, "timestamp")
		row := eventRow{ID: itoa(e.ID), Type: e.Type, Time: consoleEpoch(e.Timestamp)}
		if len(details) > 0 {
			b, _ := json.Marshal(details)
			row.Details = string(b)
		}
		data.Events = append(data.Events, row)
	}
	// The graph of the revision it runs, with the path it took.
	definition := ""
	if rev := s.standard.revision(r.Context(), d.Attributes[attrRevision]); rev != nil {
		definition = rev.Definition
	} else {
		s.mu.Lock()
		if m := s.reg.byName(a.name); m != nil {
			definition = m.Definition
		}
		s.mu.Unlock()
	}
	if im, _ := compiler.Compile([]byte(definition), compiler.Options{Filename: "definition", Type: "STANDARD"}); im != nil {
		all, _ := json.Marshal(events)
		if h, err := graph.ParseHistory(all); err == nil {
			if svg, err := graph.Render(im, graph.Options{Format: graph.SVG, Title: d.Name, History: h}); err == nil {
				if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
					svg = svg[i:]
				}
				data.Graph = template.HTML(svg) // graph escapes every name it draws
			}
		}
	}
	render(w, executionPage, data)
}

func indentJSON(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// consoleAPI is the page script's call of the API: callAPI(action, input)
// answers the parsed JSON, or throws an Error with the API's message.
const consoleAPI = `<script>
function callAPI(action, input){
  return fetch('/', {method:'POST', headers:{'X-Amz-Target':'AWSStepFunctions.'+action,'Content-Type':'application/x-amz-json-1.0'},
    body: JSON.stringify(input)}).then(function(r){
      return r.json().then(function(res){
        if(!r.ok){ throw new Error((res.__type||'Error')+': '+(res.message||'')); }
        return res;
      });
    });
}
function say(id, text, ok){
  var el=document.getElementById(id); el.textContent=text; el.className=ok?'SUCCEEDED':'FAILED';
}
</script>`

var executionsPage = template.Must(template.New("executions").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Machine}} executions · sfn-compile serve</title>` + consoleStyle + `
<style>.RUNNING{color:#1d4ed8;font-weight:bold}.ABORTED{color:#92400e;font-weight:bold}button{margin-right:4px}</style>` + consoleAPI + `</head>
<body><header><a href="/">sfn-compile · Step Functions</a> › <a href="/state-machines/{{.Machine}}">{{.Machine}}</a> › executions</header><main>
<h2>Executions of {{.Machine}}</h2>
<p class="arn" id="arn">{{.ARN}}</p>
<form id="filter" method="get" action="/executions"><input type="hidden" name="machine" value="{{.Machine}}">
<label>Status <select name="status" id="status-filter" onchange="this.form.submit()"><option value="">all</option>
{{range .Statuses}}<option{{if eq . $.Status}} selected{{end}}>{{.}}</option>{{end}}</select></label></form>
<h3>Start an execution</h3>
<form id="start"><input id="name" aria-label="name" placeholder="name (optional)"><br>
<textarea id="input" aria-label="input">{}</textarea><br><button type="submit">Start execution</button> <span id="start-result"></span></form>
<h3>Executions{{if .Status}} {{.Status}}{{end}}</h3>
{{if .Error}}<p class="FAILED" id="error">{{.Error}}</p>{{end}}
{{if .Executions}}<table id="executions"><tr><th>Name</th><th>Status</th><th>Started</th><th>Stopped</th><th></th></tr>
{{range .Executions}}<tr class="execution" data-arn="{{.ARN}}"><td><a href="{{.Link}}">{{.Name}}</a></td><td class="{{.Status}}">{{.Status}}</td><td>{{.Started}}</td><td>{{.Stopped}}</td>
<td>{{if eq .Status "RUNNING"}}<button class="stop">Stop</button>{{else if ne .Status "SUCCEEDED"}}<button class="redrive">Redrive</button>{{end}}<span class="result"></span></td></tr>
{{end}}</table>{{else}}<p id="no-executions">No executions{{if .Status}} {{.Status}}{{end}}.</p>{{end}}
<script>
document.getElementById('start').addEventListener('submit', function(ev){
  ev.preventDefault();
  var input={stateMachineArn: document.getElementById('arn').textContent, input: document.getElementById('input').value};
  var name=document.getElementById('name').value; if(name){ input.name=name; }
  callAPI('StartExecution', input).then(function(res){
    var out=document.getElementById('start-result'), a=document.createElement('a');
    out.textContent='started '; out.className='';
    a.id='started'; a.href='/execution?arn='+encodeURIComponent(res.executionArn); a.textContent=res.executionArn;
    out.appendChild(a);
  }, function(err){ say('start-result', err.message, false); });
});
document.querySelectorAll('tr.execution button').forEach(function(b){
  b.addEventListener('click', function(){
    var row=b.closest('tr'), out=row.querySelector('.result');
    var action=b.className==='stop'?'StopExecution':'RedriveExecution';
    callAPI(action, {executionArn: row.dataset.arn}).then(function(){ location.reload(); },
      function(err){ out.textContent=err.message; out.className='result FAILED'; });
  });
});
</script>
</main></body></html>
`))

var executionPage = template.Must(template.New("execution").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{{if .Running}}<meta http-equiv="refresh" content="1">{{end}}<title>{{.Name}} · sfn-compile serve</title>` + consoleStyle + `
<style>.RUNNING{color:#1d4ed8;font-weight:bold}.ABORTED{color:#92400e;font-weight:bold}td.details{font-family:monospace;font-size:12px;max-width:700px;overflow-wrap:anywhere}</style>` + consoleAPI + `</head>
<body><header><a href="/">sfn-compile · Step Functions</a> › <a href="/state-machines/{{.Machine}}">{{.Machine}}</a> › <a href="/executions?machine={{.Machine}}">executions</a> › {{.Name}}</header><main>
<h2>{{.Name}} <span id="status" class="{{.Status}}">{{.Status}}</span></h2>
<p class="arn" id="arn">{{.ARN}}</p>
<p>started {{.Started}}{{if .Stopped}} · stopped {{.Stopped}}{{end}}</p>
{{if .Running}}<p><button id="stop">Stop</button> <span id="stop-result"></span></p>
<script>
document.getElementById('stop').addEventListener('click', function(){
  callAPI('StopExecution', {executionArn: document.getElementById('arn').textContent}).then(function(){ location.reload(); },
    function(err){ say('stop-result', err.message, false); });
});
</script>{{end}}
<div class="graph" id="graph">{{.Graph}}</div>
<h3>Input</h3><pre id="input">{{.Input}}</pre>
{{if .HasOutput}}<h3>Output</h3><pre id="output">{{.Output}}</pre>{{end}}
{{if .HasError}}<h3>Error</h3><pre id="error">{{.Error}}{{if .Cause}}: {{.Cause}}{{end}}</pre>{{end}}
<h3>Events</h3>
<table id="events"><tr><th>ID</th><th>Type</th><th>Time</th><th>Details</th></tr>
{{range .Events}}<tr class="event"><td>{{.ID}}</td><td>{{.Type}}</td><td>{{.Time}}</td><td class="details">{{.Details}}</td></tr>
{{end}}</table>
</main></body></html>
`))
