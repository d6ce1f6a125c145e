package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/view"
)

// ignoreRunTimes drops the clock from run comparisons.
var ignoreRunTimes = cmpopts.IgnoreFields(api.Run{}, "StartedAt", "FinishedAt")

func TestHealth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, ts := mustServe(t, st, Options{Version: "v1.2.3"})
		r := get(t, ts.URL+"/api/v1/health")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		mustAPIDoc(t).check(t, "GET", "/api/v1/health", r)
		var got api.Health
		decodeInto(t, r, &got)
		if diff := cmp.Diff(api.Health{Status: "ok", Version: "v1.2.3", DB: st.Dialect()}, got); diff != "" {
			t.Errorf("health (-want +got):\n%s", diff)
		}
	})
}

// TestReadAPI reads every GET endpoint over a seeded store, holds each
// answer to openapi.json, and checks the numbers against the fixtures.
func TestReadAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustSeed(t, st)
		s, ts := mustServe(t, st, Options{})
		doc := mustAPIDoc(t)
		moh, mia := s.key(t, "moh"), s.key(t, "mia")
		fetchAs := func(key []string, pattern, path string, v any) {
			t.Helper()
			r := get(t, ts.URL+path, key...)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d: %s", path, r.status, r.body)
			}
			doc.check(t, "GET", pattern, r)
			decodeInto(t, r, v)
		}
		fetch := func(pattern, path string, v any) {
			t.Helper()
			fetchAs(moh, pattern, path, v)
		}

		var agencies api.AgencyList
		fetch("/api/v1/agencies", "/api/v1/agencies", &agencies)
		wantAgencies := api.AgencyList{Agencies: []api.Agency{
			{Code: "mia", Name: "Ministry of Internal Affairs", Names: map[string]string{"ru": "Министерство внутренних дел"},
				Sources: 1, Live: 2, Quarantined: 1},
			{Code: "moh", Name: "Ministry of Health", Names: map[string]string{"kk": "Денсаулық сақтау министрлігі",
				"ru": "Министерство здравоохранения", "en": "Ministry of Health"}, Sources: 1, Live: 2, Quarantined: 2},
		}}
		if diff := cmp.Diff(wantAgencies, agencies); diff != "" {
			t.Errorf("agencies (-want +got):\n%s", diff)
		}

		var sources api.SourceList
		fetch("/api/v1/sources", "/api/v1/sources", &sources)
		if len(sources.Sources) != 2 || sources.Sources[0].LastRun == nil || sources.Sources[1].LastRun == nil {
			t.Fatalf("sources = %+v; want two, each with a last run", sources)
		}
		addrRun, cardsRun := sources.Sources[0].LastRun.ID, sources.Sources[1].LastRun.ID
		wantSources := api.SourceList{Sources: []api.Source{
			{Name: "addresses", Agency: "mia", AgencyName: "Ministry of Internal Affairs", Title: "Address register", Entity: "person",
				Live: 2, Versions: 2, Quarantined: 1, Flagged: 0, Runs: 1,
				LastRun: &api.Run{ID: addrRun, Source: "addresses", File: "api", Mode: "delta", Rows: 3, Stored: 2, Quarantined: 1, Live: 2}},
			{Name: "health_cards", Agency: "moh", AgencyName: "Ministry of Health", Title: "Patient cards", Entity: "person",
				Live: 2, Versions: 2, Quarantined: 2, Flagged: 1, Runs: 1,
				LastRun: &api.Run{ID: cardsRun, Source: "health_cards", File: "api", Mode: "full", Rows: 4, Stored: 2, Quarantined: 2, Flagged: 1, Live: 2}},
		}}
		if diff := cmp.Diff(wantSources, sources, ignoreRunTimes); diff != "" {
			t.Errorf("sources (-want +got):\n%s", diff)
		}
		if lr := sources.Sources[1].LastRun; lr.StartedAt.IsZero() || lr.FinishedAt.Before(lr.StartedAt) {
			t.Errorf("last run times %v .. %v", lr.StartedAt, lr.FinishedAt)
		}

		var one api.Source
		fetch("/api/v1/sources/{source}", "/api/v1/sources/health_cards", &one)
		wantOne := wantSources.Sources[1]
		wantOne.Contract = &api.Contract{ID: []string{"card_no"}, Format: "csv", Delimiter: ",", Encoding: "utf-8", Mode: "full",
			DateFormat: "DD.MM.YYYY", Fields: []api.Field{
				{Name: "national_id", Columns: []string{"iin"}, Type: "iin"},
				{Name: "full_name", Columns: []string{"fio"}, Type: "string"},
				{Name: "birth_date", Columns: []string{"dob"}, Type: "date"},
				{Name: "clinic", Columns: []string{"clinic"}, Type: "string", Required: true},
			}}
		if diff := cmp.Diff(wantOne, one, ignoreRunTimes); diff != "" {
			t.Errorf("one source (-want +got):\n%s", diff)
		}

		// Each agency's system lists its own sources' runs.
		var runs api.RunList
		fetch("/api/v1/runs", "/api/v1/runs", &runs)
		if got := runIDs(runs); !cmp.Equal(got, []int64{cardsRun}) {
			t.Errorf("moh's runs = %v; want %v", got, []int64{cardsRun})
		}
		fetchAs(mia, "/api/v1/runs", "/api/v1/runs?limit=1", &runs)
		if got := runIDs(runs); !cmp.Equal(got, []int64{addrRun}) {
			t.Errorf("mia's runs?limit=1 = %v; want [%d]", got, addrRun)
		}
		fetch("/api/v1/sources/{source}/runs", "/api/v1/sources/health_cards/runs", &runs)
		if diff := cmp.Diff(api.RunList{Runs: []api.Run{*wantSources.Sources[1].LastRun}}, runs, ignoreRunTimes); diff != "" {
			t.Errorf("source runs (-want +got):\n%s", diff)
		}

		required := api.Quarantined{Run: cardsRun, Source: "health_cards", File: "api", Line: 4, Code: "required_missing",
			Field: "clinic", Reason: `required field clinic (column "clinic") is empty`, Raw: "C3," + iinDaulet + ",Без клиники,01.07.1990,"}
		columns := api.Quarantined{Run: cardsRun, Source: "health_cards", File: "api", Line: 5, Code: "column_count",
			Reason: "got 6 columns, header has 5", Raw: "C4,1,<script>alert(1)</script>,x,y,z"}
		badJSON := api.Quarantined{Run: addrRun, Source: "addresses", File: "api", Line: 3, Code: "bad_json",
			Reason: "not a JSON object", Raw: "not json at all"}
		for _, tc := range []struct {
			key           []string
			pattern, path string
			want          api.QuarantineList
		}{
			{moh, "/api/v1/quarantine", "/api/v1/quarantine", api.QuarantineList{Quarantine: []api.Quarantined{required, columns}, Limit: 100, Offset: 0}},
			{mia, "/api/v1/quarantine", "/api/v1/quarantine", api.QuarantineList{Quarantine: []api.Quarantined{badJSON}, Limit: 100, Offset: 0}},
			{moh, "/api/v1/quarantine", "/api/v1/quarantine?source=health_cards", api.QuarantineList{Quarantine: []api.Quarantined{required, columns}, Limit: 100, Offset: 0}},
			{mia, "/api/v1/quarantine", fmt.Sprintf("/api/v1/quarantine?run=%d", addrRun), api.QuarantineList{Quarantine: []api.Quarantined{badJSON}, Limit: 100, Offset: 0}},
			{moh, "/api/v1/quarantine", fmt.Sprintf("/api/v1/quarantine?run=%d", addrRun), api.QuarantineList{Quarantine: []api.Quarantined{}, Limit: 100, Offset: 0}},
			{moh, "/api/v1/quarantine", "/api/v1/quarantine?limit=1&offset=1", api.QuarantineList{Quarantine: []api.Quarantined{columns}, Limit: 1, Offset: 1}},
			{moh, "/api/v1/quarantine", "/api/v1/quarantine?offset=3", api.QuarantineList{Quarantine: []api.Quarantined{}, Limit: 100, Offset: 3}},
			{moh, "/api/v1/sources/{source}/quarantine", "/api/v1/sources/health_cards/quarantine", api.QuarantineList{Quarantine: []api.Quarantined{required, columns}, Limit: 100, Offset: 0}},
			{moh, "/api/v1/sources/{source}/quarantine", fmt.Sprintf("/api/v1/sources/health_cards/quarantine?run=%d", addrRun), api.QuarantineList{Quarantine: []api.Quarantined{}, Limit: 100, Offset: 0}},
			{mia, "/api/v1/sources/{source}/quarantine", "/api/v1/sources/addresses/quarantine?limit=5", api.QuarantineList{Quarantine: []api.Quarantined{badJSON}, Limit: 5, Offset: 0}},
		} {
			var got api.QuarantineList
			fetchAs(tc.key, tc.pattern, tc.path, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tc.path, diff)
			}
		}

		var hist struct {
			Source   string `json:"source"`
			ID       string `json:"id"`
			Versions []struct {
				Version int               `json:"version"`
				Deleted bool              `json:"deleted"`
				Attrs   map[string]string `json:"attrs"`
				Invalid map[string]string `json:"invalid"`
				Raw     map[string]string `json:"raw"`
				Line    int               `json:"line"`
				Run     int64             `json:"run"`
			} `json:"versions"`
		}
		fetch("/api/v1/sources/{source}/records/{id}", "/api/v1/sources/health_cards/records/C2", &hist)
		if hist.Source != "health_cards" || hist.ID != "C2" || len(hist.Versions) != 1 {
			t.Fatalf("history = %+v", hist)
		}
		v := hist.Versions[0]
		if v.Version != 1 || v.Deleted || v.Line != 3 || v.Run != cardsRun || v.Attrs["full_name"] != "Daulet Nurlanov" ||
			v.Attrs["birth_date"] != "1990-07-01" || v.Raw["dob"] != "01.07.1990" || v.Invalid["national_id"] == "" {
			t.Errorf("C2 version = %+v; want version 1 of run %d from line 3, flagged national_id", v, cardsRun)
		}
		// A valid record's invalid is null, not {}.
		r := get(t, ts.URL+"/api/v1/sources/health_cards/records/C1", moh...)
		doc.check(t, "GET", "/api/v1/sources/{source}/records/{id}", r)
		if !strings.Contains(string(r.body), `"invalid":null`) {
			t.Errorf("C1 history should have invalid null: %s", r.body)
		}
	})
}

func runIDs(l api.RunList) []int64 {
	ids := []int64{}
	for _, r := range l.Runs {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestEmptyLists checks that an empty store answers [] rather than null.
func TestEmptyLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, ts := mustServe(t, st, Options{})
		doc := mustAPIDoc(t)
		key := s.key(t, "moh")
		for _, tc := range []struct{ path, want string }{
			{"/api/v1/agencies", `{"agencies":[]}`},
			{"/api/v1/sources", `{"sources":[]}`},
			{"/api/v1/runs", `{"runs":[]}`},
			{"/api/v1/quarantine", `{"quarantine":[],"limit":100,"offset":0}`},
		} {
			r := get(t, ts.URL+tc.path, key...)
			doc.check(t, "GET", tc.path, r)
			if got := strings.TrimSpace(string(r.body)); got != tc.want {
				t.Errorf("GET %s = %s; want %s", tc.path, got, tc.want)
			}
		}
	})
}

// TestProblems checks every error answer is an RFC 9457 problem document
// with the right status, a detail, the request path, and, for a bad query
// parameter, its name.
func TestProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustSeed(t, st)
		s, ts := mustServe(t, st, Options{MaxPushBytes: 64})
		doc := mustAPIDoc(t)
		key := s.key(t, "moh")
		push := "/api/v1/sources/health_cards/records"
		for _, tc := range []struct {
			name         string
			method, path string
			ctype, body  string
			pattern      string // documented operation, or "" for paths the API does not have
			status       int
			param        string // the parameter a 400 must name
			detail       string // a fragment the detail must contain
		}{
			{"unknown source", "GET", "/api/v1/sources/nope", "", "", "/api/v1/sources/{source}", 404, "", `"nope"`},
			{"unknown source runs", "GET", "/api/v1/sources/nope/runs", "", "", "/api/v1/sources/{source}/runs", 404, "", `"nope"`},
			{"unknown source quarantine", "GET", "/api/v1/sources/nope/quarantine", "", "", "/api/v1/sources/{source}/quarantine", 404, "", `"nope"`},
			{"unknown source filter", "GET", "/api/v1/quarantine?source=nope", "", "", "/api/v1/quarantine", 404, "", `"nope"`},
			{"unknown source record", "GET", "/api/v1/sources/nope/records/C1", "", "", "/api/v1/sources/{source}/records/{id}", 404, "", `"nope"`},
			{"unknown record", "GET", "/api/v1/sources/health_cards/records/C404", "", "", "/api/v1/sources/{source}/records/{id}", 404, "", `"C404"`},
			{"unknown endpoint", "GET", "/api/v1/nothing/here", "", "", "", 404, "", "openapi.json"},
			{"wrong method", "DELETE", "/api/v1/sources", "", "", "", 405, "", "GET"},
			{"limit not a number", "GET", "/api/v1/runs?limit=ten", "", "", "/api/v1/runs", 400, "limit", "ten"},
			{"limit negative", "GET", "/api/v1/runs?limit=-1", "", "", "/api/v1/runs", 400, "limit", "-1"},
			{"limit zero", "GET", "/api/v1/sources/health_cards/runs?limit=0", "", "", "/api/v1/sources/{source}/runs", 400, "limit", "out of range"},
			{"limit too big", "GET", "/api/v1/quarantine?limit=1001", "", "", "/api/v1/quarantine", 400, "limit", "1000"},
			{"offset negative", "GET", "/api/v1/quarantine?offset=-5", "", "", "/api/v1/quarantine", 400, "offset", "-5"},
			{"run not a number", "GET", "/api/v1/sources/health_cards/quarantine?run=x", "", "", "/api/v1/sources/{source}/quarantine", 400, "run", `"x"`},
			{"run zero", "GET", "/api/v1/quarantine?run=0", "", "", "/api/v1/quarantine", 400, "run", "out of range"},
			{"push bad mode", "POST", push + "?mode=sometimes", "text/csv", "card_no\n", "/api/v1/sources/{source}/records", 400, "mode", "sometimes"},
			{"push unknown source", "POST", "/api/v1/sources/nope/records", "text/csv", "card_no\n", "/api/v1/sources/{source}/records", 404, "", `"nope"`},
			{"push json", "POST", push, "application/json", `{"card_no":"1"}`, "/api/v1/sources/{source}/records", 415, "", "application/json"},
			{"push no type", "POST", push, "", "card_no\n", "/api/v1/sources/{source}/records", 415, "", "text/csv"},
			{"push missing column", "POST", push, "text/csv", "card_no,iin\nC9,1\n", "/api/v1/sources/{source}/records", 400, "", `column "fio"`},
			{"push empty", "POST", push, "text/csv", "", "/api/v1/sources/{source}/records", 400, "", "empty"},
			{"push too large", "POST", push, "text/csv", "card_no,iin,fio,dob,clinic\n" + strings.Repeat("C1,1,x,y,z\n", 10),
				"/api/v1/sources/{source}/records", 413, "", "64 bytes"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := do(t, tc.method, ts.URL+tc.path, tc.ctype, tc.body, key...)
				if r.status != tc.status {
					t.Fatalf("%s %s = %d; want %d\n%s", tc.method, tc.path, r.status, tc.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("Content-Type = %q; want application/problem+json", ct)
				}
				if tc.pattern != "" {
					doc.check(t, tc.method, tc.pattern, r)
				} else if errs := doc.validate(map[string]any{"$ref": "#/components/schemas/Problem"}, decode(t, r), "$"); len(errs) > 0 {
					t.Errorf("not a Problem: %v", errs)
				}
				var p view.Problem
				decodeInto(t, r, &p)
				path, _, _ := strings.Cut(tc.path, "?")
				want := view.Problem{Type: "about:blank", Title: http.StatusText(tc.status), Status: tc.status, Detail: p.Detail, Instance: path}
				if tc.param != "" {
					if len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != tc.param {
						t.Errorf("invalid_params = %+v; want one naming %q", p.InvalidParams, tc.param)
					}
					want.InvalidParams = p.InvalidParams
				}
				if diff := cmp.Diff(want, p); diff != "" {
					t.Errorf("problem (-want +got):\n%s", diff)
				}
				if !strings.Contains(p.Detail, tc.detail) {
					t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
				}
			})
		}
		// A compressed body is refused, not misread as a broken header.
		r := do(t, "POST", ts.URL+push, "text/csv", "\x1f\x8b\x08", append([]string{"Content-Encoding", "gzip"}, key...)...)
		if r.status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.body), "gzip") {
			t.Errorf("gzip push = %d %s; want 415 naming gzip", r.status, r.body)
		}
		doc.check(t, "POST", "/api/v1/sources/{source}/records", r)
		// 405 must say what is allowed.
		r = do(t, "POST", ts.URL+"/api/v1/health", "text/csv", "x")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST /api/v1/health = %d, Allow %q; want 405, GET, HEAD", r.status, r.header.Get("Allow"))
		}
		// None of the failed pushes stored anything.
		var runs api.RunList
		decodeInto(t, get(t, ts.URL+"/api/v1/sources/health_cards/runs", key...), &runs)
		if len(runs.Runs) != 1 {
			t.Errorf("health_cards has %d runs after failed pushes; want the seed's 1", len(runs.Runs))
		}
	})
}

// TestPush sends CSV and NDJSON through the API, in delta and full mode,
// and reads the resulting record history back.
func TestPush(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustRegister(t, st)
		s, ts := mustServe(t, st, Options{})
		doc := mustAPIDoc(t)
		keys := map[string][]string{"health_cards": s.key(t, "moh"), "addresses": s.key(t, "mia")}
		const pushPattern = "/api/v1/sources/{source}/records"
		push := func(src, query, ctype, body string) ingest.Summary {
			t.Helper()
			r := do(t, "POST", ts.URL+"/api/v1/sources/"+src+"/records"+query, ctype, body, keys[src]...)
			if r.status != http.StatusOK {
				t.Fatalf("push to %s = %d: %s", src, r.status, r.body)
			}
			doc.check(t, "POST", pushPattern, r)
			var sum ingest.Summary
			decodeInto(t, r, &sum)
			if sum.Run == 0 {
				t.Errorf("summary has no run id: %s", r.body)
			}
			sum.Run = 0
			return sum
		}
		type version struct {
			Version int               `json:"version"`
			Deleted bool              `json:"deleted"`
			Attrs   map[string]string `json:"attrs"`
		}
		history := func(src, id string) []version {
			t.Helper()
			r := get(t, ts.URL+"/api/v1/sources/"+src+"/records/"+id, keys[src]...)
			if r.status != http.StatusOK {
				t.Fatalf("history %s/%s = %d: %s", src, id, r.status, r.body)
			}
			doc.check(t, "GET", "/api/v1/sources/{source}/records/{id}", r)
			var h struct {
				Versions []version `json:"versions"`
			}
			decodeInto(t, r, &h)
			return h.Versions
		}

		// Delta (the default) with a charset parameter.
		got := push("health_cards", "", "text/csv; charset=utf-8", cardsCSV())
		want := ingest.Summary{Source: "health_cards", File: "api", Rows: 4, Stored: 2, Quarantined: 2, Flagged: 1, Live: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("first push (-want +got):\n%s", diff)
		}
		c1 := map[string]string{"national_id": iinAigerim, "full_name": "Айгерім Сәрсенова", "birth_date": "1985-03-14", "clinic": "Polyclinic 4"}
		if diff := cmp.Diff([]version{{Version: 1, Attrs: c1}}, history("health_cards", "C1")); diff != "" {
			t.Errorf("C1 after first push (-want +got):\n%s", diff)
		}

		// C1 moves clinic; C2 is sent again unchanged.
		moved := "card_no,iin,fio,dob,clinic\n" +
			"C1," + iinAigerim + ",Айгерім Сәрсенова,14.03.1985,Polyclinic 7\n"
		got = push("health_cards", "?mode=delta", "text/csv", moved)
		want = ingest.Summary{Source: "health_cards", File: "api", Rows: 1, Stored: 1, Live: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("delta push (-want +got):\n%s", diff)
		}
		c1v2 := map[string]string{"national_id": iinAigerim, "full_name": "Айгерім Сәрсенова", "birth_date": "1985-03-14", "clinic": "Polyclinic 7"}
		if diff := cmp.Diff([]version{{Version: 1, Attrs: c1}, {Version: 2, Attrs: c1v2}}, history("health_cards", "C1")); diff != "" {
			t.Errorf("C1 after delta push (-want +got):\n%s", diff)
		}

		// A full extract without C2 deletes it, half the source: once
		// the sender confirms the deletion.
		got = push("health_cards", "?mode=full&allow_deletions=1", "text/csv", moved)
		want = ingest.Summary{Source: "health_cards", File: "api", Rows: 1, Unchanged: 1, Deleted: 1, Live: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("full push (-want +got):\n%s", diff)
		}
		c2 := history("health_cards", "C2")
		if len(c2) != 2 || c2[0].Deleted || !c2[1].Deleted {
			t.Errorf("C2 after full push = %+v; want a live version, then a deleted one", c2)
		}

		// NDJSON under both media types.
		got = push("addresses", "", "application/x-ndjson", addressesNDJSON())
		want = ingest.Summary{Source: "addresses", File: "api", Rows: 3, Stored: 2, Quarantined: 1, Live: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ndjson push (-want +got):\n%s", diff)
		}
		got = push("addresses", "", "application/ndjson", `{"id":"A2","addr":"Алматы, Абай 12"}`+"\n")
		want = ingest.Summary{Source: "addresses", File: "api", Rows: 1, Stored: 1, Live: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("second ndjson push (-want +got):\n%s", diff)
		}
		a2 := history("addresses", "A2")
		if len(a2) != 2 || a2[1].Attrs["address"] != "Алматы, Абай 12" {
			t.Errorf("A2 history = %+v; want the new address as version 2", a2)
		}

		// The pushes are the runs the API lists, newest first, each
		// agency its own.
		for src, wantModes := range map[string][]string{
			"health_cards": {"health_cards:full", "health_cards:delta", "health_cards:delta"},
			"addresses":    {"addresses:delta", "addresses:delta"},
		} {
			var runs api.RunList
			decodeInto(t, get(t, ts.URL+"/api/v1/runs", keys[src]...), &runs)
			var modes []string
			for _, r := range runs.Runs {
				modes = append(modes, r.Source+":"+r.Mode)
			}
			if diff := cmp.Diff(wantModes, modes); diff != "" {
				t.Errorf("runs of %s's agency (-want +got):\n%s", src, diff)
			}
		}
	})
}

// TestPushTooLarge checks both places a body can overrun the limit: while
// the header is checked, and in the middle of the load. Neither stores
// anything.
func TestPushTooLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustRegister(t, st)
		const limit = 100 << 10
		s, ts := mustServe(t, st, Options{MaxPushBytes: limit})
		key := s.key(t, "moh")
		var b strings.Builder
		b.WriteString("card_no,iin,fio,dob,clinic\n")
		for i := 0; b.Len() <= 2*limit; i++ {
			fmt.Fprintf(&b, "C%d,%s,Name %d,14.03.1985,Polyclinic\n", i, iinAigerim, i)
		}
		r := do(t, "POST", ts.URL+"/api/v1/sources/health_cards/records", "text/csv", b.String(), key...)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("push of %d bytes = %d; want 413\n%s", b.Len(), r.status, r.body)
		}
		mustAPIDoc(t).check(t, "POST", "/api/v1/sources/{source}/records", r)
		var runs api.RunList
		decodeInto(t, get(t, ts.URL+"/api/v1/runs", key...), &runs)
		if len(runs.Runs) != 0 {
			t.Errorf("runs after a refused push = %+v; want none", runs.Runs)
		}
	})
}

// TestProblemJSONShape pins the wire form of a problem, field names included.
func TestProblemJSONShape(t *testing.T) {
	s, ts := mustServe(t, storetest.SQLite(t), Options{})
	r := get(t, ts.URL+"/api/v1/runs?limit=x", s.key(t, "moh")...)
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "about:blank", "title": "Bad Request", "status": float64(400),
		"detail": `query parameter "limit": "x" is not a whole number`, "instance": "/api/v1/runs",
		"invalid_params": []any{map[string]any{"name": "limit", "reason": `"x" is not a whole number`}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem (-want +got):\n%s", diff)
	}
}
