package main

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfn-compile/sfn-compile/server"
)

// execChecks are scripts the test adds to a console page asked for with
// ?check=NAME: each does what a person would on that page.
var execChecks = map[string]string{
	// Stop the running execution (the page then reloads).
	"stop": `<script>
window.addEventListener('load', function(){ document.querySelector('tr.execution button.stop').click(); });
</script>`,
	// Redrive the stopped execution.
	"redrive": `<script>
window.addEventListener('load', function(){ document.querySelector('tr.execution button.redrive').click(); });
</script>`,
	// Start an execution from the form.
	"start": `<script>
window.addEventListener('load', function(){
  document.getElementById('name').value='from-console';
  document.getElementById('input').value='{"seconds": 0, "who": "console"}';
  document.getElementById('start').requestSubmit();
});
</script>`,
}

// withChecks serves h, adding execChecks[NAME] to pages asked for with
// ?check=NAME.
func withChecks(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		script, ok := execChecks[r.URL.Query().Get("check")]
		if r.Method != http.MethodGet || !ok {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		page := bytes.Replace(rec.Body.Bytes(), []byte("</body>"), []byte(script+"</body>"), 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rec.Code)
		w.Write(page)
	})
}

// A pageLog records the statuses of the execution pages served for one
// execution.
type pageLog struct {
	mu     sync.Mutex
	arn    string
	served []string
}

var pageStatus = regexp.MustCompile(`<span id="status" class="([A-Z_]+)">`)

func (l *pageLog) reset(arn string) {
	l.mu.Lock()
	l.arn, l.served = arn, nil
	l.mu.Unlock()
}

func (l *pageLog) statuses() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.served...)
}

func (l *pageLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		watched := r.URL.Path == "/execution" && r.URL.Query().Get("arn") == l.arn
		l.mu.Unlock()
		if !watched {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if m := pageStatus.FindSubmatch(rec.Body.Bytes()); m != nil {
			l.mu.Lock()
			l.served = append(l.served, string(m[1]))
			l.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// checkScreenshot takes a screenshot of url and checks that it shows a
// drawn page: 1200 pixels wide, many colours.
func checkScreenshot(t *testing.T, bin, shot, url string, extra ...string) {
	t.Helper()
	chromium(t, bin, append([]string{"--hide-scrollbars", "--window-size=1200,1000", "--screenshot=" + shot}, append(extra, url)...)...)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	colours := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if b.Dx() != 1200 || len(colours) < 20 {
		t.Errorf("screenshot %s: %dx%d with %d colours, want a drawn page 1200 wide", shot, b.Dx(), b.Dy(), len(colours))
	}
	t.Logf("screenshot %s", shot)
}

// TestConsoleExecutionsBrowser opens the console's execution pages in
// headless Chromium: a Standard machine's executions filtered by status,
// stopped and redriven with their buttons, one started from the form,
// and an execution's page (its graph with the path it took, its events,
// input and output) following the execution while it runs.
func TestConsoleExecutionsBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the browser test")
	}
	bin := findChromium(t)
	needGo(t)
	isolateCache(t)
	dir := t.TempDir()
	if a := os.Getenv("SFN_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "console")
		os.MkdirAll(dir, 0o777)
	}
	s, err := server.New(server.Config{Builder: cacheBuilder{}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	pages := &pageLog{}
	hs := httptest.NewServer(pages.wrap(withChecks(s)))
	t.Cleanup(func() { hs.Close(); s.Close() })
	c := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
	arn := createMachine(t, c, "greeter", "STANDARD", waitMachine)
	done := startExec(t, c, arn, "done", `{"seconds": 0, "who": "browser"}`)
	waitFor(t, c, done, 2*time.Minute)
	startExec(t, c, arn, "waiting", `{"seconds": 600, "who": "nobody"}`)
	executions := hs.URL + "/executions?machine=greeter"

	// The machine's page links to its executions.
	if page := chromium(t, bin, "--dump-dom", hs.URL+"/state-machines/greeter"); !bytes.Contains(page, []byte(`href="/executions?machine=greeter"`)) {
		t.Errorf("the machine page has no link to its executions:\n%.3000s", page)
	}
	// Every execution, and those of one status.
	list := chromium(t, bin, "--dump-dom", executions)
	for _, want := range []string{`>done</a>`, `>waiting</a>`, `<td class="RUNNING">RUNNING</td>`, `<td class="SUCCEEDED">SUCCEEDED</td>`, `<button class="stop">Stop</button>`} {
		if !bytes.Contains(list, []byte(want)) {
			t.Errorf("the executions page has no %s:\n%.4000s", want, list)
		}
	}
	checkScreenshot(t, bin, filepath.Join(dir, "executions.png"), executions)
	succeeded := chromium(t, bin, "--dump-dom", executions+"&status=SUCCEEDED")
	if !bytes.Contains(succeeded, []byte(`>done</a>`)) || bytes.Contains(succeeded, []byte(`>waiting</a>`)) || !bytes.Contains(succeeded, []byte(`<option selected="">SUCCEEDED</option>`)) {
		t.Errorf("the SUCCEEDED executions:\n%.4000s", succeeded)
	}

	// An ended execution's page: the path it took, its events, its input
	// and output.
	page := chromium(t, bin, "--dump-dom", hs.URL+"/execution?arn="+url.QueryEscape(done))
	for _, want := range []string{
		`<span id="status" class="SUCCEEDED">SUCCEEDED</span>`,
		`data-name="Pause" data-kind="Wait" data-status="succeeded"`, `data-name="Greet" data-kind="Pass" data-status="succeeded"`,
		`<td>ExecutionStarted</td>`, `<td>WaitStateEntered</td>`, `<td>ExecutionSucceeded</td>`,
		`"greeting": "Hello, browser!"`, `"who": "browser"`,
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page of a SUCCEEDED execution has no %s:\n%.6000s", want, page)
		}
	}
	checkScreenshot(t, bin, filepath.Join(dir, "execution.png"), hs.URL+"/execution?arn="+url.QueryEscape(done))

	// A running execution's page: the state it waits in.
	waiting := hs.URL + "/execution?arn=" + url.QueryEscape(strings.Replace(done, ":done", ":waiting", 1))
	running := chromium(t, bin, "--timeout=3000", "--dump-dom", waiting)
	if !bytes.Contains(running, []byte(`class="RUNNING">RUNNING</span>`)) || !bytes.Contains(running, []byte(`data-name="Pause" data-kind="Wait" data-status="running"`)) {
		t.Errorf("the page of a running execution:\n%.6000s", running)
	}
	// (A page that reloads itself is shot once it has loaded: --timeout.)
	checkScreenshot(t, bin, filepath.Join(dir, "execution-running.png"), waiting, "--timeout=1500")

	// It follows the execution: opened while it waits, it shows its end
	// a few seconds later, the server having served it RUNNING first.
	soon := startExec(t, c, arn, "soon", `{"seconds": 4, "who": "later"}`)
	pages.reset(soon)
	followed := chromium(t, bin, "--virtual-time-budget=600000", "--dump-dom", hs.URL+"/execution?arn="+url.QueryEscape(soon))
	if !bytes.Contains(followed, []byte(`class="SUCCEEDED">SUCCEEDED</span>`)) || !bytes.Contains(followed, []byte(`"greeting": "Hello, later!"`)) {
		t.Errorf("the page of an execution that ended while it was open:\n%.6000s", followed)
	}
	if served := pages.statuses(); len(served) < 2 || served[0] != "RUNNING" || served[len(served)-1] != "SUCCEEDED" {
		t.Errorf("the page was served %v, want RUNNING first and SUCCEEDED last", served)
	}

	// Stop, then redrive: the stopped execution runs again.
	waitingArn := strings.Replace(done, ":done", ":waiting", 1)
	chromium(t, bin, "--virtual-time-budget=20000", "--dump-dom", executions+"&check=stop")
	if d, err := c.DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(waitingArn)}); err != nil || d.Status != types.ExecutionStatusAborted {
		t.Errorf("after the stop button: %+v, %v", d, err)
	}
	chromium(t, bin, "--virtual-time-budget=20000", "--dump-dom", executions+"&check=redrive")
	if d, err := c.DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(waitingArn)}); err != nil || aws.ToInt32(d.RedriveCount) != 1 {
		t.Errorf("after the redrive button: %+v, %v", d, err)
	}

	// Start from the form: the page links the new execution.
	started := chromium(t, bin, "--virtual-time-budget=20000", "--dump-dom", executions+"&check=start")
	if !regexp.MustCompile(`<a id="started" href="/execution\?arn=[^"]*execution%3Agreeter%3Afrom-console">arn:aws:states:us-east-1:123456789012:execution:greeter:from-console</a>`).Match(started) {
		t.Errorf("after the start button:\n%s", started[bytes.Index(started, []byte("<body")):])
	}
	if d := waitFor(t, c, strings.Replace(done, ":done", ":from-console", 1), time.Minute); aws.ToString(d.Output) != `{"greeting":"Hello, console!"}` {
		t.Errorf("the execution started from the console: %s %q", d.Status, aws.ToString(d.Output))
	}
}
