package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromiumFlags keep a headless Chromium quiet and offline.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// findChromium returns the browser of $SFN_CHROMIUM, or chromium on PATH.
func findChromium(t *testing.T) string {
	if p := os.Getenv("SFN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (Debian: apt-get install chromium; or set SFN_CHROMIUM): skipping the browser test")
	return ""
}

// artifactDir is where the pages and screenshots go: $SFN_ARTIFACTS/graph
// when set (kept after the test), else a temporary directory.
func artifactDir(t *testing.T) string {
	if a := os.Getenv("SFN_ARTIFACTS"); a != "" {
		dir, err := filepath.Abs(filepath.Join(a, "graph"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := append(append([]string(nil), chromiumFlags...), "--user-data-dir="+t.TempDir())
	cmd := exec.CommandContext(ctx, bin, append(all, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// checkScript, added to a copy of the page, reports what the browser
// drew: for each state, its name and the size of its name's text, and
// whether clicking a state selects it (the page's script works).
const checkScript = `<script>
(function(){
  var out={states:[],js:false};
  document.querySelectorAll('g.state').forEach(function(g){
    var t=g.querySelector('text.name'),b=t?t.getBBox():{width:0,height:0};
    out.states.push({name:g.getAttribute('data-name'),status:g.getAttribute('data-status')||'',
      text:t?t.textContent:'',w:b.width,h:b.height,
      texts:[].map.call(g.querySelectorAll('text'),function(x){return x.textContent})});
  });
  var g=document.querySelector('g.state');
  if(g){g.dispatchEvent(new MouseEvent('click',{bubbles:true}));out.js=g.classList.contains('selected')&&!!document.querySelector('tr.selected');}
  var pre=document.createElement('pre');pre.id='check-result';pre.textContent=JSON.stringify(out);document.body.appendChild(pre);
})();
</script>
`

type drawnState struct {
	Name   string   `json:"name"`
	Status string   `json:"status"`
	Text   string   `json:"text"`
	W      float64  `json:"w"`
	H      float64  `json:"h"`
	Texts  []string `json:"texts"`
}

// TestBrowser opens the HTML pages, with and without a history, in
// headless Chromium: every state name is drawn, the failed state is
// marked with its error, and a screenshot is saved.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the browser test")
	}
	bin := findChromium(t)
	dir := artifactDir(t)
	order := compileFile(t, filepath.Join(testdata, "order.asl.json"))
	poll := compileFile(t, filepath.Join(testdata, "poll.asl.json"))
	tests := []struct {
		name, def, history string
		failed             string // the state marked failed, with its error line
		errLine            string
	}{
		{name: "order", def: "order"},
		{name: "poll", def: "poll"},
		{name: "order-declined", def: "order", history: "order.declined", failed: "Rejected", errLine: "✖ failed: OrderRejected"},
		{name: "order-notify", def: "order", history: "order.notify", failed: "Notify", errLine: "✖ failed: SNS.AuthorizationErrorException"},
		{name: "order-bulk", def: "order", history: "order.bulk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := order
			if tt.def == "poll" {
				m = poll
			}
			var h *History
			if tt.history != "" {
				h = readHistory(t, tt.history)
			}
			page, err := Render(m, Options{Format: HTML, Title: tt.def, History: h})
			if err != nil {
				t.Fatal(err)
			}
			pagePath := filepath.Join(dir, tt.name+".html")
			if err := os.WriteFile(pagePath, page, 0o666); err != nil {
				t.Fatal(err)
			}
			checked := bytes.Replace(page, []byte("</body>"), []byte(checkScript+"</body>"), 1)
			checkPath := filepath.Join(t.TempDir(), tt.name+".check.html")
			if err := os.WriteFile(checkPath, checked, 0o666); err != nil {
				t.Fatal(err)
			}

			dom := runChromium(t, bin, "--dump-dom", "file://"+checkPath)
			_, rest, ok := bytes.Cut(dom, []byte(`<pre id="check-result">`))
			result, _, ok2 := bytes.Cut(rest, []byte("</pre>"))
			if !ok || !ok2 {
				t.Fatalf("the check script did not run; DOM:\n%.2000s", dom)
			}
			var got struct {
				States []drawnState `json:"states"`
				JS     bool         `json:"js"`
			}
			if err := json.Unmarshal([]byte(html.UnescapeString(string(result))), &got); err != nil {
				t.Fatalf("check result: %v", err)
			}
			if !got.JS {
				t.Error("clicking a state did not select it: the page's script does not work")
			}
			drawn := map[string]drawnState{}
			for _, s := range got.States {
				drawn[s.Name] = s
			}
			md := buildModel(m, tt.def)
			for _, s := range md.states {
				d, ok := drawn[string(s.name)]
				switch {
				case !ok:
					t.Errorf("state %q is not in the page", s.name)
				case d.Text != string(s.name):
					t.Errorf("state %q is labelled %q", s.name, d.Text)
				case d.W <= 0 || d.H <= 0:
					t.Errorf("state %q: its name is not drawn (%vx%v)", s.name, d.W, d.H)
				}
			}
			if len(got.States) != len(md.states) {
				t.Errorf("%d states drawn, want %d", len(got.States), len(md.states))
			}
			if tt.failed != "" {
				d := drawn[tt.failed]
				if d.Status != "failed" {
					t.Errorf("%s is %q, want failed", tt.failed, d.Status)
				}
				if !contains(d.Texts, tt.errLine) {
					t.Errorf("%s shows %q, want %q among them", tt.failed, d.Texts, tt.errLine)
				}
				if !bytes.Contains(dom, []byte(`class="failed-badge"`)) {
					t.Error("no failed badge in the page")
				}
			}
			if h != nil {
				for name, d := range drawn {
					if d.Status == "" {
						t.Errorf("state %q has no status", name)
					}
				}
			}

			shot := filepath.Join(dir, tt.name+".png")
			runChromium(t, bin, "--hide-scrollbars", "--window-size=1400,2200", "--screenshot="+shot, "file://"+pagePath)
			png, err := os.ReadFile(shot)
			if err != nil {
				t.Fatalf("no screenshot: %v", err)
			}
			if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10000 {
				t.Errorf("screenshot %s: not a PNG of a page (%d bytes)", shot, len(png))
			}
			t.Logf("page %s, screenshot %s", pagePath, shot)
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
