package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// The queries in this file serve the console's pages. Each page section
// costs a fixed number of statements, however large the nation, and the
// finding queries stay on the quality_findings indexes (source, status,
// check; entity): the work list is planned from per-check counts and then
// reads only the page's rows, so that a page costs the same with a
// thousand findings or ten million.

// RegionCount is what the golden records and the open findings say about
// one region, as the records spell it ("" when they name none).
type RegionCount struct {
	Region       string
	People       int
	Animals      int
	Other        int // entities of other kinds (events)
	OpenFindings int // open findings about entities of the region
}

// RegionCounts counts the golden records per region and kind, and the
// open findings about them by region. It reads every golden record once,
// and the findings once: it is meant to be cached between quality runs.
func (s *Store) RegionCounts(ctx context.Context) ([]RegionCount, error) {
	open := map[string]int{}
	rows, err := s.db.QueryContext(ctx, `SELECT entity_id FROM quality_findings WHERE status = 'open' AND entity_id <> ''`)
	if err != nil {
		return nil, fmt.Errorf("region counts: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("region counts: %w", err)
		}
		open[id]++
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("region counts: %w", err)
	}
	// One pass over the golden records: joining the findings to them in
	// SQL looks each finding's entity up in a table of large rows, which
	// is ten times slower.
	byRegion := map[string]*RegionCount{}
	rows, err = s.db.QueryContext(ctx, `SELECT entity_id, kind, region FROM golden_records`)
	if err != nil {
		return nil, fmt.Errorf("region counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind, region string
		if err := rows.Scan(&id, &kind, &region); err != nil {
			return nil, fmt.Errorf("region counts: %w", err)
		}
		rc := byRegion[region]
		if rc == nil {
			rc = &RegionCount{Region: region}
			byRegion[region] = rc
		}
		switch kind {
		case "person":
			rc.People++
		case "animal":
			rc.Animals++
		default:
			rc.Other++
		}
		rc.OpenFindings += open[id]
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("region counts: %w", err)
	}
	out := make([]RegionCount, 0, len(byRegion))
	for _, rc := range byRegion {
		out = append(out, *rc)
	}
	slices.SortFunc(out, func(a, b RegionCount) int { return cmp.Compare(a.Region, b.Region) })
	return out, nil
}

// ScoreTrends returns the scores of every key of one scope over the newest
// runs quality runs, oldest first per key: the trend lines of a table of
// agencies or sources, in one query.
func (s *Store) ScoreTrends(ctx context.Context, scope string, runs int) (map[string][]Score, error) {
	all, err := s.scores(ctx, `SELECT run_id, scope, key, score, records FROM quality_scores
		WHERE scope = ? AND run_id IN (SELECT id FROM quality_runs ORDER BY id DESC LIMIT ?)
		ORDER BY key, run_id`, scope, runs)
	if err != nil {
		return nil, fmt.Errorf("score trends: %w", err)
	}
	out := map[string][]Score{}
	for _, sc := range all {
		out[sc.Key] = append(out[sc.Key], sc)
	}
	return out, nil
}

// goldenBriefColumns are the golden record columns before the document,
// for lists that show a name and a link. built_at is left out: it comes
// after the document in the row, so reading it reads the whole document.
const goldenBriefColumns = `entity_id, kind, name, national_id, birth_date, death_date, region, household, owner_id,
	members, conflicts`

// GoldenBrief returns the golden records of ids, without their documents
// and build times, by entity id; ids with no golden record are absent
// from the map.
func (s *Store) GoldenBrief(ctx context.Context, ids []string) (map[string]GoldenRow, error) {
	out := map[string]GoldenRow{}
	for chunk := range slices.Chunk(distinct(ids), refChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.goldenBriefRows(ctx, `SELECT `+goldenBriefColumns+`
			FROM golden_records WHERE entity_id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("golden records: %w", err)
		}
		for _, g := range rows {
			out[g.EntityID] = g
		}
	}
	return out, nil
}

// likeEscaper escapes the LIKE wildcards of a search.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// findingGroup is the findings of one check of one source that a filter
// selects: the unit a work list is grouped and paged by.
type findingGroup struct {
	sourceID      int64
	source        string
	agency, check string
	kind          string
	severity      string
	n             int
}

// sourceOwner is a source's name and its agency's code.
type sourceOwner struct {
	name, agency string
}

func (s *Store) sourceOwners(ctx context.Context) (map[int64]sourceOwner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, s.name, a.code FROM sources s JOIN agencies a ON a.id = s.agency_id`)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	defer rows.Close()
	out := map[int64]sourceOwner{}
	for rows.Next() {
		var (
			id int64
			o  sourceOwner
		)
		if err := rows.Scan(&id, &o.name, &o.agency); err != nil {
			return nil, fmt.Errorf("sources: %w", err)
		}
		out[id] = o
	}
	return out, rows.Err()
}

// kindsWindow is how many recent quality runs checkKinds reads: every
// finding that is not resolved belongs to a check of the latest run, and
// a resolved one almost always to a recent one.
const kindsWindow = 30

// checkInfo is what the work list needs of a check: its kind and severity.
type checkInfo struct{ kind, severity string }

// checkKinds maps "source id/check" to the check's kind and severity, from
// the check results of recent quality runs: the findings table knows them
// too, but reading them there means reading every finding.
func (s *Store) checkKinds(ctx context.Context) (map[string]checkInfo, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT source_id, check_name, kind, severity FROM quality_results
		WHERE run_id IN (SELECT id FROM quality_runs ORDER BY id DESC LIMIT ?) ORDER BY run_id`), kindsWindow)
	if err != nil {
		return nil, fmt.Errorf("check kinds: %w", err)
	}
	defer rows.Close()
	out := map[string]checkInfo{}
	for rows.Next() {
		var (
			src   int64
			check string
			ci    checkInfo
		)
		if err := rows.Scan(&src, &check, &ci.kind, &ci.severity); err != nil {
			return nil, fmt.Errorf("check kinds: %w", err)
		}
		out[groupKey(src, check)] = ci
	}
	return out, rows.Err()
}

func groupKey(src int64, check string) string { return fmt.Sprint(src, "/", check) }

// findingConds is the WHERE clause of a finding filter with only the
// conditions it sets, and the source and agency turned into source ids:
// the catch-all form (? = ” OR col = ?) hides the indexes from both
// planners. The kind is left to the caller. ok is false when the filter
// names a source or agency that does not exist.
func findingConds(f FindingFilter, owners map[int64]sourceOwner) (where string, args []any, ok bool) {
	var conds []string
	if f.Source != "" || f.Agency != "" {
		var ids []int64
		for id, o := range owners {
			if (f.Source == "" || o.name == f.Source) && (f.Agency == "" || o.agency == f.Agency) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return "", nil, false
		}
		slices.Sort(ids)
		conds = append(conds, "f.source_id IN ("+placeholders(len(ids))+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if f.Check != "" {
		conds, args = append(conds, "f.check_name = ?"), append(args, f.Check)
	}
	if f.EntityID != "" {
		conds, args = append(conds, "f.entity_id = ?"), append(args, f.EntityID)
	}
	if f.Search != "" {
		conds = append(conds, `(f.record_id = ? OR f.entity_id = ? OR LOWER(f.value) LIKE ? ESCAPE '\')`)
		args = append(args, f.Search, f.Search, "%"+likeEscaper.Replace(strings.ToLower(f.Search))+"%")
	}
	if f.Status == "" {
		conds = append(conds, "f.status IN ('open', 'fixed')")
	} else {
		conds, args = append(conds, "f.status = ?"), append(args, f.Status)
	}
	return strings.Join(conds, " AND "), args, true
}

// findingGroups counts the findings f selects per source and check, in
// work-list order: agency code, source name, check name. It reads only
// index entries unless f names an entity.
func (s *Store) findingGroups(ctx context.Context, f FindingFilter) ([]findingGroup, error) {
	owners, err := s.sourceOwners(ctx)
	if err != nil {
		return nil, err
	}
	where, args, ok := findingConds(f, owners)
	if !ok {
		return nil, nil
	}
	kinds, err := s.checkKinds(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT f.source_id, f.check_name, COUNT(*) FROM quality_findings f
		WHERE `+where+` GROUP BY f.source_id, f.check_name`), args...)
	if err != nil {
		return nil, fmt.Errorf("finding groups: %w", err)
	}
	var out []findingGroup
	for rows.Next() {
		var g findingGroup
		if err := rows.Scan(&g.sourceID, &g.check, &g.n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("finding groups: %w", err)
		}
		o, ci := owners[g.sourceID], kinds[groupKey(g.sourceID, g.check)]
		g.source, g.agency, g.kind, g.severity = o.name, o.agency, ci.kind, ci.severity
		out = append(out, g)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("finding groups: %w", err)
	}
	for i := range out {
		if out[i].kind == "" {
			// A check no recent run knows: ask one of its findings.
			g := &out[i]
			err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT kind, severity FROM quality_findings
				WHERE source_id = ? AND check_name = ? LIMIT 1`), g.sourceID, g.check).Scan(&g.kind, &g.severity)
			if err != nil {
				return nil, fmt.Errorf("finding groups: kind of %s/%s: %w", g.source, g.check, err)
			}
		}
	}
	if f.Kind != "" {
		out = slices.DeleteFunc(out, func(g findingGroup) bool { return g.kind != f.Kind })
	}
	slices.SortFunc(out, func(a, b findingGroup) int {
		byImpact := 0
		if f.ByImpact {
			byImpact = cmp.Compare(Impact(b.n, b.severity), Impact(a.n, a.severity))
		}
		return cmp.Or(byImpact, cmp.Compare(a.agency, b.agency), cmp.Compare(a.source, b.source), cmp.Compare(a.check, b.check))
	})
	return out, nil
}

// FindingTally counts the findings that are not resolved per source and
// check, by status, from the index alone, by agency, source and check;
// ChecksByImpact orders the same counts by impact.
func (s *Store) FindingTally(ctx context.Context) ([]FindingCount, error) {
	owners, err := s.sourceOwners(ctx)
	if err != nil {
		return nil, err
	}
	kinds, err := s.checkKinds(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT source_id, check_name, status, COUNT(*) FROM quality_findings
		WHERE status <> 'resolved' GROUP BY source_id, check_name, status`)
	if err != nil {
		return nil, fmt.Errorf("finding tally: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*FindingCount{}
	for rows.Next() {
		var (
			src           int64
			check, status string
			n             int
		)
		if err := rows.Scan(&src, &check, &status, &n); err != nil {
			return nil, fmt.Errorf("finding tally: %w", err)
		}
		k := groupKey(src, check)
		c := byKey[k]
		if c == nil {
			o := owners[src]
			c = &FindingCount{Source: o.name, Agency: o.agency, Check: check, Kind: kinds[k].kind}
			byKey[k] = c
		}
		switch status {
		case FindingOpen:
			c.Open += n
		case FindingFixed:
			c.Fixed += n
		case FindingNotDefect:
			c.NotDefect += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding tally: %w", err)
	}
	out := make([]FindingCount, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b FindingCount) int {
		return cmp.Or(cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Check, b.Check))
	})
	return out, nil
}

// WorkList returns the findings f selects as a data officer's work list
// reads them — check by check, by agency, source and check or, with
// f.ByImpact, the checks of most impact first (Impact of the selected
// findings and the check's severity), and within a check in a stable
// order — and how many there are in all. A negative limit returns them
// all; 0 means 100.
func (s *Store) WorkList(ctx context.Context, f FindingFilter) ([]Finding, int, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	groups, err := s.findingGroups(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("work list: %w", err)
	}
	total := 0
	for _, g := range groups {
		total += g.n
	}
	// Walk the groups to the page's window and read from each group only
	// the rows that fall in it.
	type slice struct {
		g             findingGroup
		limit, offset int
	}
	var parts []slice
	skip, want := f.Offset, f.Limit
	for _, g := range groups {
		if f.Limit > 0 && want <= 0 {
			break
		}
		if skip >= g.n {
			skip -= g.n
			continue
		}
		n := g.n - skip
		if f.Limit > 0 {
			n = min(n, want)
			want -= n
		}
		parts = append(parts, slice{g: g, limit: n, offset: skip})
		skip = 0
	}
	out, err := s.groupRows(ctx, f, len(parts), func(i int) (findingGroup, int, int) {
		return parts[i].g, parts[i].limit, parts[i].offset
	})
	if err != nil {
		return nil, 0, fmt.Errorf("work list: %w", err)
	}
	return out, total, nil
}

// FindingSample returns at most perCheck findings of each check of each
// source among those f selects (its limit and offset are ignored), in
// work-list order: the failing rows a page shows for every check at once.
func (s *Store) FindingSample(ctx context.Context, f FindingFilter, perCheck int) ([]Finding, error) {
	groups, err := s.findingGroups(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("finding sample: %w", err)
	}
	out, err := s.groupRows(ctx, f, len(groups), func(i int) (findingGroup, int, int) {
		return groups[i], min(perCheck, groups[i].n), 0
	})
	if err != nil {
		return nil, fmt.Errorf("finding sample: %w", err)
	}
	return out, nil
}

// maxUnion bounds the branches of one UNION ALL statement.
const maxUnion = 100

// groupRows reads, for each of n groups, limit rows from offset in id
// order, with one UNION ALL statement per maxUnion groups, and returns
// them in group order. Each branch is a range of the (source, status,
// check) index.
func (s *Store) groupRows(ctx context.Context, f FindingFilter, n int, part func(i int) (g findingGroup, limit, offset int)) ([]Finding, error) {
	var out []Finding
	for lo := 0; lo < n; lo += maxUnion {
		hi := min(n, lo+maxUnion)
		var (
			branches []string
			args     []any
		)
		for i := lo; i < hi; i++ {
			g, limit, offset := part(i)
			where, wargs, _ := findingConds(FindingFilter{Status: f.Status, EntityID: f.EntityID}, nil)
			branches = append(branches, fmt.Sprintf(`SELECT * FROM (SELECT %d AS nth, f.* FROM quality_findings f
				WHERE f.source_id = ? AND f.check_name = ? AND %s ORDER BY f.id LIMIT ? OFFSET ?) g%d`, i, where, i))
			args = append(append(append(args, g.sourceID, g.check), wargs...), limit, offset)
		}
		q := `SELECT ` + findingColumns + ` FROM (` + strings.Join(branches, " UNION ALL ") + `) f
			JOIN sources s ON s.id = f.source_id JOIN agencies a ON a.id = s.agency_id ORDER BY f.nth, f.id`
		rows, err := s.findingRows(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func (s *Store) findingRows(ctx context.Context, q string, args ...any) ([]Finding, error) {
	return queryAll(ctx, s, q, scanFinding, args...)
}

// maxSearchCandidates bounds the entities a name search reads to order
// its answer: reading a golden record costs a lookup in a table of large
// rows, and a short prefix can match a good part of the nation.
const maxSearchCandidates = 500

// SearchNames finds golden records by folded name words (every word
// matches a word of the entity's names, the last as a prefix), and returns at most limit of them by name, without their
// documents, reading at most maxSearchCandidates records: entities whose
// last word matches whole come first, then those it only begins, each by
// entity id. more reports whether more entities match than are returned.
func (s *Store) SearchNames(ctx context.Context, words []string, limit int) (rows []GoldenRow, more bool, err error) {
	if len(words) == 0 || limit <= 0 {
		return nil, false, nil
	}
	var ids map[string]bool // entity -> its last word matched whole
	for i, w := range words {
		next, err := s.termEntities(ctx, w, i == len(words)-1, ids)
		if err != nil {
			return nil, false, fmt.Errorf("search: %w", err)
		}
		if ids = next; len(ids) == 0 {
			return nil, false, nil
		}
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.SortFunc(list, func(a, b string) int {
		if ids[a] != ids[b] {
			if ids[a] {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})
	list = list[:min(len(list), maxSearchCandidates)]
	args := make([]any, 0, len(list)+1)
	for _, id := range list {
		args = append(args, id)
	}
	rows, err = s.goldenBriefRows(ctx, `SELECT `+goldenBriefColumns+` FROM golden_records
		WHERE entity_id IN (`+placeholders(len(list))+`) ORDER BY name, entity_id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	return rows, len(ids) > len(rows), nil
}

// termEntities returns the entities with the search term word, or with a
// term it begins when prefix is set, kept to those in within when it is
// not nil, each marked true when the term is word itself. Terms are folded
// ASCII and compare bytewise, so a prefix is a range of the term index.
func (s *Store) termEntities(ctx context.Context, word string, prefix bool, within map[string]bool) (map[string]bool, error) {
	q, args := `SELECT term, entity_id FROM search_terms WHERE term = ? LIMIT ?`, []any{word, maxTermMatches}
	if hi, ok := prefixEnd(word); prefix && ok {
		q, args = `SELECT term, entity_id FROM search_terms WHERE term >= ? AND term < ? LIMIT ?`, []any{word, hi, maxTermMatches}
	} else if prefix {
		q, args = `SELECT term, entity_id FROM search_terms WHERE term >= ? LIMIT ?`, []any{word, maxTermMatches}
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var term, id string
		if err := rows.Scan(&term, &id); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(term, word) {
			continue // past the prefix, when it had no short upper bound
		}
		if _, ok := within[id]; within == nil || ok {
			out[id] = out[id] || term == word
		}
	}
	return out, rows.Err()
}

func (s *Store) goldenBriefRows(ctx context.Context, q string, args ...any) ([]GoldenRow, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GoldenRow
	for rows.Next() {
		var g GoldenRow
		if err := rows.Scan(&g.EntityID, &g.Kind, &g.Name, &g.NationalID, &g.BirthDate, &g.DeathDate, &g.Region,
			&g.Household, &g.Owner, &g.Members, &g.Conflicts); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
