package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/view"
)

// TestMergedEntityRedirects: an entity merged into another keeps its id,
// which leads to the survivor — a redirect on the console, the survivor's
// record on the API — and the survivor's lineage tells of the merge.
func TestMergedEntityRedirects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustSeed(t, st)
		srcs, err := st.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, s := range srcs {
			ids[s.Name] = s.ID
		}
		// Two people, one record each, then merged as a resolver would.
		const from, into = "P000000901", "P000000902"
		_, err = st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental", NewEntities: []string{from, into},
			Members: []store.Membership{
				{RecordRef: store.RecordRef{SourceID: ids["health_cards"], RecordID: "C1"}, EntityID: from, Version: 1},
				{RecordRef: store.RecordRef{SourceID: ids["addresses"], RecordID: "A1"}, EntityID: into, Version: 1},
			},
			Lineage: []store.LineageEvent{{Action: store.ActionCreate, EntityID: from}, {Action: store.ActionCreate, EntityID: into}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scorecard.Refresh(ctx, st, nil); err != nil {
			t.Fatal(err)
		}
		_, err = st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental",
			Merges:  []store.Merge{{From: from, Into: into}},
			Lineage: []store.LineageEvent{{Action: store.ActionMerge, EntityID: from, OtherID: into, Probability: 0.997, Reason: "same IIN"}}})
		if err != nil {
			t.Fatal(err)
		}
		s, ts := mustServe(t, st, Options{})
		mia := s.key(t, "mia") // holds A1, the survivor's record
		r := noRedirect(t, http.MethodGet, ts.URL+"/entities/"+from+"?lang=ru", nil)
		if r.status != http.StatusFound || r.header.Get("Location") != "/entities/"+into+"?lang=ru" {
			t.Fatalf("merged entity = %d to %q; want 302 to /entities/%s?lang=ru", r.status, r.header.Get("Location"), into)
		}
		l := view.Locale{Lang: "ru"}
		page := mustPage(t, ts.URL+"/entities/"+from+"?lang=ru", http.StatusOK)
		mustContain(t, page, l.Label("action.", "merge"), l.T("lineage.into"), `href="/entities/`+from+`"`, "same IIN", "99,70\u00a0%")

		doc := mustAPIDoc(t)
		r = get(t, ts.URL+"/api/v1/entities/"+from, mia...)
		doc.check(t, "GET", "/api/v1/entities/{entity}", r)
		var e api.Entity
		decodeInto(t, r, &e)
		if e.EntityID != into || e.RequestedID != from || len(e.Records) != 1 || e.Records[0].RecordID != "A1" {
			t.Errorf("API merged entity = %+v", e)
		}
		r = get(t, ts.URL+"/api/v1/entities/P000000999", mia...)
		if r.status != http.StatusNotFound {
			t.Errorf("unknown entity = %d", r.status)
		}
		doc.check(t, "GET", "/api/v1/entities/{entity}", r)
	})
}

// TestConsoleAPI holds the entity, quality and findings endpoints to the
// OpenAPI document and to the store.
func TestConsoleAPI(t *testing.T) {
	doc := mustAPIDoc(t)
	demoEach(t, func(t *testing.T, d *demo) {
		s, ts := mustServe(t, d.st, Options{})
		ctx := context.Background()

		r := get(t, ts.URL+"/api/v1/entities/"+d.Person.EntityID, s.key(t, holderOf(t, d.st, d.Person.EntityID))...)
		doc.check(t, "GET", "/api/v1/entities/{entity}", r)
		var e api.Entity
		decodeInto(t, r, &e)
		g := e.Golden
		if v := g.Value("national_id"); v != d.Person.NationalID || g.Values[0].Source == "" || g.Values[0].RecordID == "" {
			t.Errorf("golden record without its values' provenance: %+v", g.Values[0])
		}
		if e.EntityID != d.Person.EntityID || e.RequestedID != "" || len(e.Records) != d.Person.Members || len(g.Values) == 0 {
			t.Errorf("entity: id %s, %d records (want %d), %d golden values", e.EntityID, len(e.Records), d.Person.Members, len(g.Values))
		}

		r = get(t, ts.URL+"/api/v1/quality", s.key(t, "edu", exchange.ScopeExchange)...)
		doc.check(t, "GET", "/api/v1/quality", r)
		var q api.Quality
		decodeInto(t, r, &q)
		runs, err := d.st.QualityRuns(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if q.Run == nil || q.Run.ID != runs[0].ID || len(q.Checks) == 0 || len(q.Scores) == 0 {
			t.Fatalf("quality = run %+v, %d checks, %d scores", q.Run, len(q.Checks), len(q.Scores))
		}

		moa := s.key(t, "moa") // livestock's agency
		r = get(t, ts.URL+"/api/v1/findings?source=livestock&limit=7&offset=3", moa...)
		doc.check(t, "GET", "/api/v1/findings", r)
		var fl api.FindingList
		decodeInto(t, r, &fl)
		want, total, err := d.st.WorkList(ctx, store.FindingFilter{Source: "livestock", Limit: 7, Offset: 3})
		if err != nil {
			t.Fatal(err)
		}
		if fl.Total != total || len(fl.Findings) != len(want) || fl.Limit != 7 || fl.Offset != 3 {
			t.Fatalf("findings: total %d of %d, %d rows", fl.Total, total, len(fl.Findings))
		}
		for i := range want {
			if fl.Findings[i].ID != want[i].ID || fl.Findings[i].Source != "livestock" {
				t.Errorf("finding %d = %s; want %s", i, fl.Findings[i].ID, want[i].ID)
			}
		}
		r = get(t, ts.URL+"/api/v1/findings?entity="+d.Finding.EntityID, s.key(t, d.Finding.Agency)...)
		decodeInto(t, r, &fl)
		if fl.Total == 0 || fl.Findings[0].EntityID != d.Finding.EntityID {
			t.Errorf("findings of %s: %+v", d.Finding.EntityID, fl)
		}
		for q, status := range map[string]int{"status=bogus": 400, "source=nope": 404, "limit=0": 400, "offset=-1": 400,
			"source=health_cards": 403, "agency=moh": 403} {
			r := get(t, ts.URL+"/api/v1/findings?"+q, moa...)
			if r.status != status {
				t.Errorf("findings?%s = %d; want %d", q, r.status, status)
			}
			doc.check(t, "GET", "/api/v1/findings", r)
		}
	})
	// Before the first quality run the answer is empty, not an error.
	s, ts := mustServe(t, storetest.SQLite(t), Options{})
	r := get(t, ts.URL+"/api/v1/quality", s.key(t, "moh")...)
	doc.check(t, "GET", "/api/v1/quality", r)
	if string(r.body) != `{"run":null,"checks":[],"scores":[],"alerts":[]}`+"\n" {
		t.Errorf("empty quality = %s", r.body)
	}
}

// holderOf is the agency of one of an entity's records.
func holderOf(t *testing.T, st *store.Store, entityID string) string {
	t.Helper()
	ctx := context.Background()
	recs, err := st.EntityRecords(ctx, []string{entityID})
	if err != nil || len(recs) == 0 {
		t.Fatalf("records of %s: %d, %v", entityID, len(recs), err)
	}
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		if src.ID == recs[0].SourceID {
			return src.AgencyCode
		}
	}
	t.Fatalf("no source %d", recs[0].SourceID)
	return ""
}
