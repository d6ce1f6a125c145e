package web

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/web/view"
)

// envBrowser turns the browser tests on. test.sh sets it in its own step,
// after scripts/browser.sh setup has installed Chromium, Node.js and the
// e2e/ packages; plain go test skips them.
const envBrowser = "ORTAQ_BROWSER"

// TestBrowserConsole serves a seeded store on a real listener and runs the
// console's browser steps (e2e/console.spec.mjs) in headless Chromium. The
// steps print "ok NAME" or "FAIL NAME: …", shown here through t.Log, and
// save screenshots under test-output/browser/ at the repository root.
func TestBrowserConsole(t *testing.T) {
	root := browserRoot(t)
	// The store layer is tested on both databases elsewhere; the browser
	// sees the same pages over either. The demo nation gives every page
	// real data: scores, entities, findings, virtual cows.
	d := demoSQLite(t)
	x, log := browserExchange(t, d)
	_, ts := mustServe(t, d.st, Options{Exchange: x, Audit: log})
	// Steps read as the default official, or as an official of the
	// agency they name: the finding's, or agriculture for the animals.
	runSpec(t, root, "console.spec.mjs", ts.URL, filepath.Join(root, "test-output", "browser"), browserExpectations(t, d),
		d.Finding.Agency, "moa")
}

// browserRoot skips the test unless the browser tests are on, and returns
// the repository root, failing when the e2e/ packages are missing.
func browserRoot(t *testing.T) string {
	t.Helper()
	if os.Getenv(envBrowser) != "1" {
		t.Skipf("browser tests are off: run scripts/browser.sh setup, then %s=1 go test -run TestBrowser ./internal/web", envBrowser)
	}
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "e2e", "node_modules", "playwright-core")); err != nil {
		t.Fatalf("e2e packages missing (%v): run scripts/browser.sh setup", err)
	}
	return root
}

// runSpec runs node e2e/<spec> against the server at baseURL, with expect
// as JSON in EXPECT and out, emptied first, as OUT_DIR. COOKIES holds the
// sessions steps start with: the server's default official's as
// "default", and one of an official of each of agencies under its code. The steps' output
// is passed to t.Log line by line. A failed step fails the test but does
// not stop it, so that the caller can still check what the other steps
// left behind.
func runSpec(t *testing.T, root, spec, baseURL, out string, expect any, agencies ...string) {
	t.Helper()
	spec = filepath.Join(root, "e2e", spec)
	// Old screenshots would pass for new ones.
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	env, err := json.Marshal(expect)
	if err != nil {
		t.Fatal(err)
	}

	ctx := t.Context()
	timeout := 5 * time.Minute
	if d, ok := t.Deadline(); ok {
		// Leave time to report before go test's own timeout panics.
		timeout = min(timeout, time.Until(d)-10*time.Second)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, "node", spec)
	cmd.Dir = root
	// Every step starts signed in as the server's default official, or
	// the official of the agency it names, but those that ask to be
	// anonymous.
	cookies := map[string][]map[string]string{}
	if v, ok := consoles.Load(baseURL); ok {
		c := v.(*testConsole)
		add := func(key string, sess consoleSession) {
			name, value, _ := strings.Cut(sess.Cookie, "=")
			cookies[key] = []map[string]string{{"name": name, "value": value}}
		}
		add("default", c.def)
		for _, a := range agencies {
			add(a, c.agency(t, a))
		}
	}
	jar, err := json.Marshal(cookies)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(),
		"BASE_URL="+baseURL,
		"OUT_DIR="+out,
		"EXPECT="+string(env),
		"COOKIES="+string(jar),
	)
	w := &lineLogger{t: t}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 10 * time.Second // Chromium may hold the pipes after node is killed
	start := time.Now()
	err = cmd.Run()
	w.flush()
	switch {
	case ctx.Err() != nil:
		t.Errorf("node %s: timed out after %s", spec, timeout)
	case err != nil:
		t.Errorf("node %s: %v (see the FAIL lines above and the screenshots in %s)", spec, err, out)
	default:
		t.Logf("browser steps passed in %s; screenshots in %s", time.Since(start).Round(time.Millisecond), out)
	}
}

// browserExpect is what the browser steps look for, in each language where
// it differs: the spec takes the words from the catalogue and the data
// from the demo store rather than repeating them.
type browserExpect struct {
	Agencies map[string][]string          `json:"agencies"` // lang -> every agency's name
	Text     map[string]map[string]string `json:"text"`     // lang -> message key -> text
	Person   struct {
		ID        string            `json:"id"`
		Spellings []string          `json:"spellings"` // Kazakh Cyrillic, Russian, Latin
		Agency    map[string]string `json:"agency"`    // lang -> the agency its name came from
	} `json:"person"`
	Finding struct {
		ID     string `json:"id"`
		Source string `json:"source"`
		Check  string `json:"check"`
		Agency string `json:"agency"`
	} `json:"finding"`
}

// browserExpectations gathers the expectations from the demo store.
func browserExpectations(t *testing.T, d *demo) browserExpect {
	t.Helper()
	var e browserExpect
	e.Agencies, e.Text, e.Person.Agency = map[string][]string{}, map[string]map[string]string{}, map[string]string{}
	doc, err := golden.DecodeDoc(d.Person.Doc)
	if err != nil {
		t.Fatal(err)
	}
	var nameAgency string
	for _, f := range doc.Values {
		if f.Attr == "full_name" {
			nameAgency = f.Agency
		}
	}
	for _, lang := range view.Languages {
		l := view.Locale{Lang: lang.Code}
		names := localNames(t, d.st, l)
		for _, n := range names {
			e.Agencies[lang.Code] = append(e.Agencies[lang.Code], n)
		}
		e.Person.Agency[lang.Code] = names[nameAgency]
		e.Text[lang.Code] = map[string]string{}
		for _, key := range []string{"index.title", "golden.title", "cows.title", "worklist.title", "search.title", "exchange.title"} {
			e.Text[lang.Code][key] = l.T(key)
		}
	}
	e.Person.ID, e.Person.Spellings = d.Person.EntityID, d.Spellings
	e.Finding.ID, e.Finding.Source, e.Finding.Check, e.Finding.Agency = d.Finding.ID, d.Finding.Source, d.Finding.Check, d.Finding.Agency
	restoreFinding(t, d.st, d.Finding)
	return e
}

// browserExchange gives the browser's server the demo exchange registry
// and an audit log with one allowed query in it, so that the exchange page
// has traffic to show.
func browserExchange(t *testing.T, d *demo) (*exchange.Exchange, *audit.Log) {
	t.Helper()
	ctx := context.Background()
	p := newPlatform(t, d.st, 0)
	x, log := p.x, p.log
	right, basis, _ := x.ExampleRight()
	_, err := log.Append(ctx, audit.Record{Member: right.Member, Subsystem: right.Subsystem, Auth: "key:browser",
		User: "officer", Service: right.Service, Subject: d.Person.NationalID, Purpose: right.Purpose,
		LegalBasis: basis.Code, RequestID: "case-1", Decision: audit.Allowed, Status: 200})
	if err != nil {
		t.Fatal(err)
	}
	return x, log
}

// repoRoot returns the repository root, two levels above this package.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		tb.Fatalf("repository root not found from the test's directory: %v", err)
	}
	return root
}

// lineLogger passes a program's output to t.Log line by line, as it comes.
type lineLogger struct {
	t   testing.TB
	mu  sync.Mutex
	buf []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.t.Log(string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// flush logs a last line that had no newline.
func (l *lineLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.t.Log(string(l.buf))
		l.buf = nil
	}
}
