package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"

	"github.com/sfn-compile/sfn-compile/server"
)

// consoleCheck, added to the machine page by the test, submits the start
// form on load: the page's own script then calls StartSyncExecution.
const consoleCheck = `<script>
window.addEventListener('load', function(){
  document.getElementById('input').value='{"who": "console"}';
  document.getElementById('start').requestSubmit();
});
</script>`

// withCheck serves h, adding consoleCheck to pages asked for with ?check.
func withCheck(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !r.URL.Query().Has("check") {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		page := bytes.Replace(rec.Body.Bytes(), []byte("</body>"), []byte(consoleCheck+"</body>"), 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rec.Code)
		w.Write(page)
	})
}

func findChromium(t *testing.T) string {
	if p := os.Getenv("SFN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (Debian: apt-get install chromium; or set SFN_CHROMIUM): skipping the console's browser test")
	return ""
}

func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(all, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// TestConsoleBrowser opens the console in headless Chromium: the list of
// state machines, a machine's page with its graph, and a synchronous
// execution started from its form; screenshots of each are checked.
func TestConsoleBrowser(t *testing.T) {
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
	s, err := server.New(server.Config{Builder: cacheBuilder{}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(withCheck(s))
	t.Cleanup(func() { hs.Close(); s.Close() })
	c := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		APIOptions:  []func(*middleware.Stack) error{noHostPrefix}})
	arn := createMachine(t, c, "greet", "EXPRESS", `{"StartAt": "Greet", "States": {
  "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.who)"}, "Next": "Done"},
  "Done": {"Type": "Succeed"}}}`)
	// Built before the browser comes: its page must not wait for go build.
	if _, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}

	home := chromium(t, bin, "--dump-dom", hs.URL+"/")
	if !bytes.Contains(home, []byte(`<a href="/state-machines/greet">greet</a>`)) {
		t.Errorf("the home page lists no greet:\n%.2000s", home)
	}
	page := chromium(t, bin, "--virtual-time-budget=20000", "--dump-dom", hs.URL+"/state-machines/greet?check")
	for _, want := range []string{`data-name="Greet"`, `data-name="Done"`, `<p id="status" class="SUCCEEDED">SUCCEEDED</p>`, `{"greeting":"Hello, console!"}`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the machine page has no %s:\n%.4000s", want, page)
		}
	}
	for name, url := range map[string]string{"home": hs.URL + "/", "machine": hs.URL + "/state-machines/greet?check"} {
		checkScreenshot(t, bin, filepath.Join(dir, name+".png"), url, "--virtual-time-budget=20000")
	}
}
