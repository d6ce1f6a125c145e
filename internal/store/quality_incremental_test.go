package store_test

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
	"github.com/ortaq/ortaq/internal/wallet"
)

// qualityNation writes the synthetic nation of 1,200 people that the
// incremental quality tests change, and loads its sources.
func qualityNation(t *testing.T, seed int64) (*source.Contract, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 1200, Seed: seed, Out: dir}); err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c, dir
}

// firstQualityRun ingests and resolves c in st and runs quality for the
// first time, which must be full because it is the first.
func firstQualityRun(t *testing.T, ctx context.Context, st *store.Store, c *source.Contract, cfg *quality.Config) *scorecard.Summary {
	t.Helper()
	if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		t.Fatal(err)
	}
	first, err := scorecard.Refresh(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.Incremental || first.FullBecause != scorecard.FullFirst {
		t.Fatalf("first run: incremental %v, full because %q", first.Incremental, first.FullBecause)
	}
	return first
}

// TestIncrementalQualityEqualsFull runs quality over a synthetic nation,
// changes it (records new, changed and deleted in several sources, a card
// moved to another person, a death, a duplicate tag appearing and one
// disappearing, a citizen's accepted correction, an officer's decision),
// resolves, runs quality incrementally, and compares every golden record,
// search term, finding, check result, score and stored count with what a
// full run of the same store writes. Alerts are not compared: the full run
// comes after the incremental one and weighs its results against a
// history that holds it; both compute alerts from the results and scores
// compared here, with the same function.
func TestIncrementalQualityEqualsFull(t *testing.T) {
	ctx := context.Background()
	c, dir := qualityNation(t, 11)
	cfg, err := quality.LoadFile(filepath.Join(dir, "quality.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shared := shareTag(t, c)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		first := firstQualityRun(t, ctx, st, c, cfg)
		changeNation(t, ctx, st, c, shared)
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		inc, err := scorecard.Refresh(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !inc.Incremental || inc.Units == 0 || inc.Units >= first.Units/2 {
			t.Fatalf("second run: incremental %v, %d units redone of %d", inc.Incremental, inc.Units, first.Units)
		}
		got := snapshot(t, st)
		full, err := scorecard.RefreshWith(ctx, st, cfg, scorecard.Options{Full: true})
		if err != nil {
			t.Fatal(err)
		}
		if full.Incremental || full.FullBecause != scorecard.FullAsked {
			t.Fatalf("third run: incremental %v, full because %q", full.Incremental, full.FullBecause)
		}
		want := snapshot(t, st)
		for table := range want {
			if diff := gocmp.Diff(want[table], got[table]); diff != "" {
				t.Errorf("%s after the incremental run (-full +incremental):\n%s", table, diff)
			}
		}
		t.Logf("incremental run redid %d of %d units, %d golden records", inc.Units, full.Units, inc.Entities)
	})
}

// snapshot reads what a quality run leaves, table by table, one string
// per row, sorted: every column but the run ids and times that differ
// between two runs of the same data.
func snapshot(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	db := store.DB(st)
	out := map[string][]string{}
	for table, q := range map[string]string{
		"golden_records": `SELECT entity_id, kind, name, national_id, birth_date, death_date, region, household, owner_id,
			members, conflicts, doc FROM golden_records`,
		"search_terms": `SELECT term, entity_id FROM search_terms`,
		"quality_findings": `SELECT id, source_id, check_name, kind, record_id, line, entity_id, value, reason, suggestion,
			related, status, note, severity, reason_key, reason_args, suggestion_key, suggestion_args, decided_by FROM quality_findings`,
		"quality_results": `SELECT source_id, check_name, kind, dimension, severity, description, failed, total FROM quality_results
			WHERE run_id = (SELECT MAX(id) FROM quality_runs)`,
		"quality_scores": `SELECT scope, key, score, records FROM quality_scores WHERE run_id = (SELECT MAX(id) FROM quality_runs)`,
		"quality_runs":   `SELECT checks, findings, score FROM quality_runs WHERE id = (SELECT MAX(id) FROM quality_runs)`,
		"quality_units":  `SELECT unit, tally, due FROM quality_units`,
		"quality_keys":   `SELECT unit, key FROM quality_keys`,
		"quality_state":  `SELECT fingerprint, as_of, totals FROM quality_state`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		out[table] = []string{}
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			var b strings.Builder
			for i, v := range vals {
				fmt.Fprintf(&b, "%s=%s ", cols[i], v.String)
			}
			out[table] = append(out[table], b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}

// changeNation loads changed extracts of several sources and makes the
// decisions of a day.
func changeNation(t *testing.T, ctx context.Context, st *store.Store, c *source.Contract, shared sharedTag) {
	t.Helper()
	pop := readExtract(t, c, "population_register")
	cards := readExtract(t, c, "health_cards")
	animals := readExtract(t, c, "livestock")
	events := readExtract(t, c, "civil_registry")
	taxes := readExtract(t, c, "tax_incomes")

	// Health cards: some deleted, some edited, one copied under a new
	// number (a second card of one patient), one moved to another person.
	cards.lines = slices.Delete(cards.lines, 10, 15)
	for i := 20; i < 25; i++ {
		cards.set(i, "phone", "8 (701) 000-00-0"+fmt.Sprint(i%10))
	}
	dup := cards.parse(cards.lines[30])
	dup[cards.col("card_no")] = "DM9" + dup[cards.col("card_no")]
	cards.lines = append(cards.lines, cards.format(dup))
	cards.set(50, "iin", pop.get(40, "IIN"))
	cards.set(50, "fio", pop.get(40, "FAMILIYA")+" "+pop.get(40, "IMYA")+" "+pop.get(40, "OTCHESTVO"))
	cards.set(50, "birth_date", isoDate(pop.get(40, "DATA_ROZHD")))

	// Livestock: one animal takes another's tag; of the tags two animals
	// share, one goes.
	animals.set(5, "Tag", animals.get(6, "Tag"))
	seen := map[string]int{}
	for i := 10; i < len(animals.lines); i++ {
		tag := animals.get(i, "Tag")
		if _, ok := seen[tag]; ok && tag != shared.tag {
			animals.set(i, "Tag", "KZ9"+tag[3:])
			break
		}
		seen[tag] = i
	}
	// An owner of animals dies; one animal changes owner.
	owner := animals.get(100, "OwnerIIN")
	animals.set(101, "OwnerIIN", pop.get(60, "IIN"))
	i := slices.IndexFunc(events.lines, func(l string) bool { return strings.Contains(l, ",СМЕРТЬ,") })
	death := events.parse(events.lines[i])
	death[events.col("event_id")], death[events.col("event_date")], death[events.col("iin")] = "CR9000000001", "2026-10-01", owner
	events.lines = append(events.lines, events.format(death))

	// Tax: some declarations deleted, some edited.
	taxes.lines = slices.Delete(taxes.lines, 0, 3)
	for i := 10; i < 13; i++ {
		taxes.set(i, "INCOME", "1.00")
	}
	// The register: a surname changes; so does the first name of the
	// owner of an animal whose tag another animal shares, whose finding
	// needs that other animal's record though nothing about it changed.
	pop.set(70, "FAMILIYA", pop.get(70, "FAMILIYA")+"ова")
	p := slices.IndexFunc(pop.lines, func(l string) bool { return strings.HasPrefix(l, shared.owner+";") })
	pop.set(p, "IMYA", pop.get(p, "IMYA")+"бек")

	// A mother leaves every register: her entity retires, and her
	// child's birth event, which still names her, ties the child to no one,
	// though nothing of the child's changed.
	others := ""
	for _, name := range []string{"social_benefits", "education_students", "disability_register", "livestock"} {
		raw, err := os.ReadFile(c.Source(name).File)
		if err != nil {
			t.Fatal(err)
		}
		others += string(raw)
	}
	gone := ""
	for i := range events.lines {
		if m := events.get(i, "mother_iin"); m != "" && !strings.Contains(others, m) &&
			slices.ContainsFunc(pop.lines, func(l string) bool { return strings.HasPrefix(l, m+";") }) {
			gone = m
			break
		}
	}
	if gone == "" {
		t.Fatal("no mother to remove")
	}
	for _, e := range []*extract{pop, cards, taxes} {
		e.lines = slices.DeleteFunc(e.lines, func(l string) bool { return strings.Contains(l, gone) })
	}

	for _, e := range []*extract{pop, cards, animals, events, taxes} {
		e.load(t, ctx, st)
	}

	// A citizen's correction, accepted.
	subject := pop.get(80, "IIN")
	corr := wallet.NewCorrections(st, wallet.CorrectionOptions{})
	filed, err := corr.File(ctx, wallet.CorrectionRequest{Subject: subject, Source: "population_register",
		RecordID: subject, Attr: "last_name", Proposed: "Жаңатегі", Explanation: "married"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := corr.Accept(ctx, filed.ID, "officer", ""); err != nil {
		t.Fatal(err)
	}
	// An officer marks two findings fixed: one the data still shows, one
	// of a card that is gone.
	fs, _, err := st.Findings(ctx, store.FindingFilter{Source: "livestock", Status: store.FindingOpen, Limit: 1})
	if err != nil || len(fs) == 0 {
		t.Fatalf("no open livestock finding: %v", err)
	}
	if err := st.SetFindingStatus(ctx, fs[0].ID, store.FindingFixed, "done"); err != nil {
		t.Fatal(err)
	}
}

// sharedTag is a tag two animals of different owners share, and the IIN
// of one of the owners.
type sharedTag struct{ tag, owner string }

// shareTag makes two animals share a tag in the livestock extract: one of
// a registered owner, one of an owner no other record names.
func shareTag(t *testing.T, c *source.Contract) sharedTag {
	t.Helper()
	animals := readExtract(t, c, "livestock")
	pop := readExtract(t, c, "population_register")
	registered := func(iin string) bool {
		return slices.ContainsFunc(pop.lines, func(l string) bool { return strings.HasPrefix(l, iin+";") })
	}
	a := 200
	for b := 300; b < len(animals.lines); b++ {
		if owner := animals.get(a, "OwnerIIN"); owner != animals.get(b, "OwnerIIN") && registered(owner) {
			// The other animal's owner is no one else's, so that nothing
			// but the tag ties the two.
			animals.set(b, "Tag", animals.get(a, "Tag"))
			animals.set(b, "OwnerIIN", "999999999999")
			body := strings.Join(append([]string{animals.format(animals.header)}, animals.lines...), "\n") + "\n"
			if err := os.WriteFile(animals.src.File, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return sharedTag{tag: animals.get(a, "Tag"), owner: owner}
		}
	}
	t.Fatal("no two owners")
	return sharedTag{}
}

// extract is one source's CSV extract, read to be changed and loaded: its
// lines as they are (some planted defects do not parse), each parsed only
// when read or changed.
type extract struct {
	t      *testing.T
	src    *source.Source
	header []string
	lines  []string
}

func readExtract(t *testing.T, c *source.Contract, name string) *extract {
	t.Helper()
	src := c.Source(name)
	raw, err := os.ReadFile(src.File)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	e := &extract{t: t, src: src, lines: lines[1:]}
	e.header = e.parse(lines[0])
	return e
}

func (e *extract) parse(line string) []string {
	e.t.Helper()
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = cmp.Or(e.src.Delimiter, ',')
	row, err := r.Read()
	if err != nil {
		e.t.Fatalf("%s: %q: %v", e.src.Name, line, err)
	}
	return row
}

func (e *extract) col(name string) int { return slices.Index(e.header, name) }

// get returns the value of col in row.
func (e *extract) get(row int, col string) string { return e.parse(e.lines[row])[e.col(col)] }

// set makes the value of col in row v.
func (e *extract) set(row int, col, v string) {
	e.t.Helper()
	r := e.parse(e.lines[row])
	r[e.col(col)] = v
	e.lines[row] = e.format(r)
}

func (e *extract) format(row []string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = cmp.Or(e.src.Delimiter, ',')
	if err := w.Write(row); err != nil {
		e.t.Fatal(err)
	}
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// load stores the extract as a full load of its source.
func (e *extract) load(t *testing.T, ctx context.Context, st *store.Store) {
	t.Helper()
	def, err := st.Source(ctx, e.src.Name)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Join(append([]string{e.format(e.header)}, e.lines...), "\n") + "\n"
	if _, err := ingest.Extract(ctx, st, e.src, def.ID, strings.NewReader(body), e.src.File, "full"); err != nil {
		t.Fatal(err)
	}
}

// isoDate turns the register's DD.MM.YYYY into YYYY-MM-DD.
func isoDate(d string) string {
	if p := strings.Split(d, "."); len(p) == 3 {
		return p[2] + "-" + p[1] + "-" + p[0]
	}
	return d
}
