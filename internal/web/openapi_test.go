package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/api"
)

// apiDoc is openapi.json parsed, with helpers to hold answers to it.
type apiDoc struct {
	root map[string]any
}

func mustAPIDoc(tb testing.TB) *apiDoc {
	tb.Helper()
	var root map[string]any
	if err := json.Unmarshal(api.Document(), &root); err != nil {
		tb.Fatalf("openapi.json is not JSON: %v", err)
	}
	return &apiDoc{root: root}
}

// operations lists "METHOD /path" for every operation in the document.
func (d *apiDoc) operations() []string {
	var out []string
	for p, item := range d.root["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// resolve follows a local "$ref" ("#/components/...").
func (d *apiDoc) resolve(ref string) (map[string]any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("ref %q is not local", ref)
	}
	var cur any = d.root
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("ref %q: %q is not inside an object", ref, part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("ref %q: no %q", ref, part)
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("ref %q does not name an object", ref)
	}
	return m, nil
}

func (d *apiDoc) deref(m map[string]any) map[string]any {
	for {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		next, err := d.resolve(ref)
		if err != nil {
			panic(err)
		}
		m = next
	}
}

// responseSchema is the schema the document promises for one answer.
func (d *apiDoc) responseSchema(tb testing.TB, method, pattern string, status int, contentType string) map[string]any {
	tb.Helper()
	item, ok := d.root["paths"].(map[string]any)[pattern].(map[string]any)
	if !ok {
		tb.Fatalf("openapi.json has no path %s", pattern)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		tb.Fatalf("openapi.json has no %s %s", method, pattern)
	}
	resp, ok := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)
	if !ok {
		tb.Fatalf("openapi.json: %s %s does not document status %d", method, pattern, status)
	}
	resp = d.deref(resp)
	media, ok := resp["content"].(map[string]any)[contentType].(map[string]any)
	if !ok {
		tb.Fatalf("openapi.json: %s %s %d does not document content type %s", method, pattern, status, contentType)
	}
	return media["schema"].(map[string]any)
}

// check holds an answer to the document: its status and content type must
// be documented for the operation, and its body must match the schema.
func (d *apiDoc) check(tb testing.TB, method, pattern string, r response) {
	tb.Helper()
	ct := r.header.Get("Content-Type")
	schema := d.responseSchema(tb, method, pattern, r.status, ct)
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		tb.Fatalf("%s %s: answer is not JSON: %v", method, pattern, err)
	}
	if errs := d.validate(schema, v, "$"); len(errs) > 0 {
		tb.Errorf("%s %s %d: answer does not match openapi.json:\n  %s\nbody: %s", method, pattern, r.status,
			strings.Join(errs, "\n  "), r.body)
	}
}

// validate checks v against the JSON Schema subset openapi.json uses.
func (d *apiDoc) validate(schema map[string]any, v any, at string) []string {
	schema = d.deref(schema)
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }

	if alts, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, a := range alts {
			if len(d.validate(a.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("matches %d of oneOf's %d schemas, want exactly 1", n, len(alts))
		}
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			fail("%s is not of type %v", short(v), types)
			return errs
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		fail("%s is not one of %v", short(v), enum)
	}
	if p, ok := schema["pattern"].(string); ok {
		if s, isStr := v.(string); isStr && !regexp.MustCompile(p).MatchString(s) {
			fail("%q does not match %s", s, p)
		}
	}
	if n, isNum := v.(float64); isNum {
		if lo, ok := schema["minimum"].(float64); ok && n < lo {
			fail("%v is below the minimum %v", n, lo)
		}
		if hi, ok := schema["maximum"].(float64); ok && n > hi {
			fail("%v is above the maximum %v", n, hi)
		}
	}
	if arr, ok := v.([]any); ok {
		if lo, ok := schema["minItems"].(float64); ok && float64(len(arr)) < lo {
			fail("has %d items, want at least %v", len(arr), lo)
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range arr {
				errs = append(errs, d.validate(items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := obj[r]; !ok {
				fail("lacks required %q", r)
			}
		}
		for k, x := range obj {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, d.validate(ps, x, at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("has %q, which the schema does not list", k)
				}
			case map[string]any:
				errs = append(errs, d.validate(ap, x, at+"."+k)...)
			}
		}
	}
	return errs
}

func hasType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == math.Trunc(n)
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func asStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// TestOpenAPICoversRoutes holds routes.go and openapi.json to each other:
// every route under /api/v1 is documented, and the document describes no
// route the server lacks.
func TestOpenAPICoversRoutes(t *testing.T) {
	s, err := newTestServer(storetest.SQLite(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, r := range Internal(s.aud).Routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if strings.HasPrefix(path, "/api/v1/") {
			// OpenAPI has no multi-segment parameters; the document names
			// {index...} plainly and says it spans segments.
			routes = append(routes, method+" "+strings.ReplaceAll(path, "...}", "}"))
		}
	}
	sort.Strings(routes)
	if len(routes) < 10 {
		t.Fatalf("only %d API routes registered: %v", len(routes), routes)
	}
	if diff := cmp.Diff(routes, mustAPIDoc(t).operations()); diff != "" {
		t.Errorf("routes.go (-) and openapi.json (+) differ:\n%s", diff)
	}
}

// TestOpenAPIDocument checks the document's own consistency: it is OpenAPI
// 3.1, every $ref resolves, operation ids are unique, every path parameter
// is declared, and every operation documents a success answer (200, or 204 for a change that answers nothing).
func TestOpenAPIDocument(t *testing.T) {
	d := mustAPIDoc(t)
	if v, _ := d.root["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q; want 3.1.x", v)
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, err := d.resolve(ref); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(d.root, "#")

	ids := map[string]string{}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	for _, op := range d.operations() {
		method, path, _ := strings.Cut(op, " ")
		o := d.root["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		id, _ := o["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", op)
		} else if prev, dup := ids[id]; dup {
			t.Errorf("%s: operationId %q already used by %s", op, id, prev)
		}
		ids[id] = op
		declared := map[string]bool{}
		params, _ := o["parameters"].([]any)
		for _, p := range params {
			p := d.deref(p.(map[string]any))
			if p["in"] == "path" {
				declared[p["name"].(string)] = true
			}
		}
		for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", op, m[1])
			}
		}
		resp := o["responses"].(map[string]any)
		// A deprecated operation may be kept only to refuse, and say why.
		if dep, _ := o["deprecated"].(bool); dep {
			continue
		}
		if _, ok := resp["200"]; !ok {
			if _, ok := resp["204"]; !ok {
				t.Errorf("%s: no 200 or 204 response", op)
			}
		}
	}
}

// TestOpenAPIServed checks the document is served as it is embedded.
func TestOpenAPIServed(t *testing.T) {
	_, ts := mustServe(t, storetest.SQLite(t), Options{})
	r := get(t, ts.URL+"/api/v1/openapi.json")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET openapi.json = %d %s", r.status, r.header.Get("Content-Type"))
	}
	if string(r.body) != string(api.Document()) {
		t.Error("served document differs from the embedded one")
	}
	mustAPIDoc(t).check(t, "GET", "/api/v1/openapi.json", r)
}

// TestSchemaCheckerCatchesMismatch keeps the checker above honest: answers
// that break the document must be reported.
func TestSchemaCheckerCatchesMismatch(t *testing.T) {
	d := mustAPIDoc(t)
	source := map[string]any{"$ref": "#/components/schemas/Source"}
	good := map[string]any{"name": "x", "agency": "a", "agency_name": "A", "title": "", "entity": "person",
		"live": 1.0, "versions": 1.0, "quarantined": 0.0, "flagged": 0.0, "runs": 0.0, "last_run": nil}
	if errs := d.validate(source, good, "$"); len(errs) > 0 {
		t.Fatalf("good source rejected: %v", errs)
	}
	for name, mutate := range map[string]func(m map[string]any){
		"missing field":   func(m map[string]any) { delete(m, "live") },
		"extra field":     func(m map[string]any) { m["surprise"] = 1.0 },
		"wrong type":      func(m map[string]any) { m["live"] = "1" },
		"fraction":        func(m map[string]any) { m["runs"] = 1.5 },
		"bad nested run":  func(m map[string]any) { m["last_run"] = map[string]any{"id": 1.0} },
		"null not object": func(m map[string]any) { m["name"] = nil },
	} {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		mutate(m)
		if errs := d.validate(source, m, "$"); len(errs) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
	hist := map[string]any{"$ref": "#/components/schemas/RecordHistory"}
	if errs := d.validate(hist, map[string]any{"source": "s", "id": "1", "versions": []any{}}, "$"); len(errs) == 0 {
		t.Error("history without versions not reported")
	}
}
