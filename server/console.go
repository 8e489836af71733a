package server

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/graph"
)

// The web console: GET pages over the registry. Its forms call the API
// itself (POST / with X-Amz-Target) from the page's script, so the
// console does nothing a client cannot.

// consoleHandler serves the console's pages.
type consoleHandler struct{ s *Server }

func (c consoleHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case r.URL.Path == "/":
		c.home(w)
	case strings.HasPrefix(r.URL.Path, "/state-machines/"):
		c.machine(w, strings.TrimPrefix(r.URL.Path, "/state-machines/"))
	case r.URL.Path == "/executions":
		c.executions(w, r)
	case r.URL.Path == "/execution":
		c.execution(w, r)
	default:
		http.NotFound(w, r)
	}
}

type machineRow struct {
	Name, ARN, Type, Created string
	Versions, Aliases        int
}

type activityRow struct{ Name, ARN, Created string }

func consoleDate(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func (c consoleHandler) home(w http.ResponseWriter) {
	s := c.s
	var data struct {
		Machines   []machineRow
		Activities []activityRow
	}
	s.mu.Lock()
	for _, m := range s.reg.Machines {
		data.Machines = append(data.Machines, machineRow{m.Name, m.ARN, m.Type, consoleDate(m.Created), len(m.Versions), len(m.Aliases)})
	}
	for _, a := range s.reg.Activities {
		data.Activities = append(data.Activities, activityRow{a.Name, a.ARN, consoleDate(a.Created)})
	}
	s.mu.Unlock()
	render(w, homePage, data)
}

func (c consoleHandler) machine(w http.ResponseWriter, name string) {
	s := c.s
	s.mu.Lock()
	m := s.reg.byName(name)
	var row machineRow
	var def string
	if m != nil {
		row = machineRow{m.Name, m.ARN, m.Type, consoleDate(m.Created), len(m.Versions), len(m.Aliases)}
		def = m.Definition
	}
	s.mu.Unlock()
	if m == nil {
		http.NotFound(w, nil)
		return
	}
	data := struct {
		machineRow
		Definition string
		Graph      template.HTML
	}{machineRow: row, Definition: def}
	// The registry holds only definitions that compiled: the graph is
	// drawn from the same compilation as validation's.
	if im, _ := compiler.Compile([]byte(def), compiler.Options{Filename: "definition", Type: row.Type}); im != nil {
		if svg, err := graph.Render(im, graph.Options{Format: graph.SVG, Title: row.Name}); err == nil {
			if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
				svg = svg[i:] // inline SVG takes no XML declaration
			}
			data.Graph = template.HTML(svg) // graph escapes every name it draws
		}
	}
	render(w, machinePage, data)
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'; img-src 'self' data:")
	w.Write(b.Bytes())
}

const consoleStyle = `<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1a202c;background:#f7f8fa}
header{background:#232f3e;color:#fff;padding:12px 24px;font-size:18px}
header a{color:#fff;text-decoration:none}
main{padding:16px 24px}
table{border-collapse:collapse;background:#fff;min-width:60%}
th,td{border:1px solid #d9dde3;padding:6px 10px;text-align:left;font-size:14px}
th{background:#eef1f5}
.arn{font-family:monospace;font-size:12px;color:#4a5568}
pre{background:#fff;border:1px solid #d9dde3;padding:10px;overflow:auto;max-height:400px}
.graph{background:#fff;border:1px solid #d9dde3;padding:8px;overflow:auto}
.SUCCEEDED{color:#1e7b34;font-weight:bold}.FAILED,.TIMED_OUT{color:#b42318;font-weight:bold}
textarea{width:60%;height:80px;font-family:monospace}
</style>`

var homePage = template.Must(template.New("home").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sfn-compile serve</title>` + consoleStyle + `</head>
<body><header><a href="/">sfn-compile · Step Functions</a></header><main>
<h2>State machines</h2>
{{if .Machines}}<table id="state-machines"><tr><th>Name</th><th>Type</th><th>Created</th><th>Versions</th><th>Aliases</th></tr>
{{range .Machines}}<tr class="machine"><td><a href="/state-machines/{{.Name}}">{{.Name}}</a><div class="arn">{{.ARN}}</div></td><td>{{.Type}}</td><td>{{.Created}}</td><td>{{.Versions}}</td><td>{{.Aliases}}</td></tr>
{{end}}</table>{{else}}<p id="no-machines">No state machines yet: create one with <code>aws stepfunctions create-state-machine --endpoint-url …</code>.</p>{{end}}
<h2>Activities</h2>
{{if .Activities}}<table id="activities"><tr><th>Name</th><th>Created</th></tr>
{{range .Activities}}<tr class="activity"><td>{{.Name}}<div class="arn">{{.ARN}}</div></td><td>{{.Created}}</td></tr>
{{end}}</table>{{else}}<p>No activities.</p>{{end}}
</main></body></html>
`))

var machinePage = template.Must(template.New("machine").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Name}} · sfn-compile serve</title>` + consoleStyle + `</head>
<body><header><a href="/">sfn-compile · Step Functions</a> › {{.Name}}</header><main>
<h2>{{.Name}}</h2>
<p class="arn" id="arn">{{.ARN}}</p>
<p>{{.Type}} · created {{.Created}} · {{.Versions}} versions · {{.Aliases}} aliases</p>
<div class="graph" id="graph">{{.Graph}}</div>
{{if eq .Type "STANDARD"}}<p><a id="executions" href="/executions?machine={{.Name}}">Executions</a>: start, stop and follow them</p>{{end}}
{{if eq .Type "EXPRESS"}}
<h3>Start a synchronous execution</h3>
<form id="start"><textarea id="input" aria-label="input">{}</textarea><br><button type="submit">Start execution</button></form>
<div id="result"></div>
<script>
document.getElementById('start').addEventListener('submit', function(ev){
  ev.preventDefault();
  var out=document.getElementById('result');
  out.textContent='running…';
  fetch('/', {method:'POST', headers:{'X-Amz-Target':'AWSStepFunctions.StartSyncExecution','Content-Type':'application/x-amz-json-1.0'},
    body: JSON.stringify({stateMachineArn: document.getElementById('arn').textContent, input: document.getElementById('input').value})})
  .then(function(r){return r.json()}).then(function(res){
    out.textContent='';
    var status=document.createElement('p'); status.id='status';
    status.className=res.status||'FAILED'; status.textContent=res.status||(res.__type+': '+res.message);
    out.appendChild(status);
    var pre=document.createElement('pre'); pre.id='output';
    pre.textContent=res.output!==undefined?res.output:((res.error||'')+(res.cause?': '+res.cause:''));
    out.appendChild(pre);
  });
});
</script>
{{end}}
<h3>Definition</h3>
<pre id="definition">{{.Definition}}</pre>
</main></body></html>
`))
