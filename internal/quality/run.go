package quality

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/progress"
)

// Run runs cfg's checks over ds and reports every result, in the dataset's
// source order and then the config's order, with findings in record id
// order (rows by line, columns as the extract has them): the same inputs
// always give the same report.
//
// Checks run concurrently, one per CPU; they only read ds, and what
// several of them need (registers indexed by a key, deaths by IIN) is built
// once. A config naming a source or attribute the data does not have is
// an error (see Validate), so that a misspelling never passes silently.
func Run(ctx context.Context, ds *golden.Dataset, cfg *Config) (*Report, error) {
	return RunWithProgress(ctx, ds, cfg, nil)
}

// RunWithProgress is Run counting the checks done on progressTo (nil for
// none).
func RunWithProgress(ctx context.Context, ds *golden.Dataset, cfg *Config, progressTo io.Writer) (*Report, error) {
	return RunWith(ctx, ds, cfg, Options{Progress: progressTo})
}

// Options are how RunWith runs the checks.
type Options struct {
	// Progress, when not nil, is shown the checks done.
	Progress io.Writer
	// PerRecord makes every result of a check over records list the
	// records it counted (Result.Counted).
	PerRecord bool
}

// RunWith is Run as opts say.
func RunWith(ctx context.Context, ds *golden.Dataset, cfg *Config, opts Options) (*Report, error) {
	progressTo := opts.Progress
	if err := cfg.Validate(ds); err != nil {
		return nil, err
	}
	asOf := cfg.AsOf
	if asOf.IsZero() {
		asOf = ds.AsOf
	}
	x := &env{ds: ds, asOf: dayString(asOf), cache: map[string]*lazy{}, perRecord: opts.PerRecord}

	type job struct {
		src *golden.Source
		c   *Check
	}
	var jobs []job
	for _, src := range ds.Sources {
		for i := range cfg.All {
			jobs = append(jobs, job{src, &cfg.All[i]})
		}
		for i := range cfg.Sources {
			if sc := &cfg.Sources[i]; sc.Source == src.Name {
				for j := range sc.Checks {
					jobs = append(jobs, job{src, &sc.Checks[j]})
				}
			}
		}
	}
	// The longest checks start first, so that no CPU idles at the end
	// while one name check runs alone.
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	cost := func(j job) int { return len(j.src.Records) * max(1, kinds[j.c.Kind].cost) }
	slices.SortStableFunc(order, func(a, b int) int { return cost(jobs[b]) - cost(jobs[a]) })
	results := make([]Result, len(jobs))
	bar := progress.New(progressTo, "run quality checks", int64(len(jobs)))
	defer bar.Finish()
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = x.run(jobs[i].src, jobs[i].c)
				bar.Add(1)
			}
		}()
	}
	var err error
	for _, i := range order {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	return &Report{AsOf: asOf, Results: results}, nil
}

// env is what checks share during one Run.
type env struct {
	ds        *golden.Dataset
	asOf      string // YYYY-MM-DD
	perRecord bool   // list the records each result counted

	mu    sync.Mutex
	cache map[string]*lazy
}

type lazy struct {
	once sync.Once
	v    any
}

// shared returns the value build makes for key, building it once however
// many checks ask at the same time.
func shared[T any](x *env, key string, build func() T) T {
	x.mu.Lock()
	l := x.cache[key]
	if l == nil {
		l = &lazy{}
		x.cache[key] = l
	}
	x.mu.Unlock()
	l.once.Do(func() { l.v = build() })
	return l.v.(T)
}

// run runs one check on one source.
func (x *env) run(src *golden.Source, c *Check) Result {
	k := kinds[c.Kind]
	res := Result{
		Name: c.Name, Source: src.Name, Agency: src.AgencyCode, Kind: c.Kind,
		Dimension: cmp.Or(c.Dimension, k.dimension),
		Severity:  cmp.Or(c.Severity, k.severity),
		Params:    c.paramString(),
	}
	if x.perRecord && k.records {
		res.Counted, res.Due = &Positions{}, &Dues{}
	}
	if c.Description != "" {
		res.Description = c.Description
	} else {
		res.DescriptionMsg = k.describe(c)
		res.Description = res.DescriptionMsg.Render(DefaultLang)
	}
	k.run(x, src, c, &res)
	if k.records {
		slices.SortStableFunc(res.Findings, func(a, b Finding) int {
			return cmp.Or(cmp.Compare(a.RecordID, b.RecordID), cmp.Compare(a.Line, b.Line))
		})
	}
	res.Failed = max(res.Failed, len(res.Findings))
	return res
}

// records yields the source's records that satisfy the check's where
// conditions.
func records(s *golden.Source, c *Check) iter.Seq[*golden.Record] {
	return func(yield func(*golden.Record) bool) {
		for i := range s.Records {
			r := &s.Records[i]
			if matches(r.Attrs, c.Where) && !yield(r) {
				return
			}
		}
	}
}

func matches(attrs golden.Attrs, where []Cond) bool {
	for _, w := range where {
		if !slices.Contains(w.Values, attrs.Get(w.Attr)) {
			return false
		}
	}
	return true
}

// finding starts a finding about record r.
func finding(r *golden.Record, value string, reason Msg) Finding {
	f := Finding{RecordID: r.RecordID, Line: int(r.Line), EntityID: r.EntityID, Value: value}
	f.because(reason)
	return f
}

// value returns a record's attribute and whether ingest judged it valid
// and non-empty: checks of form and meaning skip values that are missing
// (the missing check's business) or flagged (the valid check's).
func value(r *golden.Record, attr string) (string, bool) {
	v := r.Attrs.Get(attr)
	return v, v != "" && r.Invalid[attr] == ""
}

// entityValue returns the golden value of attr of r's entity, if valid.
func (x *env) entityValue(r *golden.Record, attr string) string {
	if e := x.ds.EntityOf(r); e != nil {
		if v, ok := e.Value(attr); ok && v.Invalid == "" {
			return v.Value
		}
	}
	return ""
}

// paramString writes the check's parameters in YAML flow style, for
// reports.
func (c *Check) paramString() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	list := func(l []string) string {
		if len(l) == 0 {
			return ""
		}
		return "[" + strings.Join(l, ", ") + "]"
	}
	add("field", c.Field)
	add("fields", list(c.Fields))
	if len(c.Where) > 0 {
		var w []string
		for _, cond := range c.Where {
			v := cond.Values[0]
			if len(cond.Values) > 1 {
				v = list(cond.Values)
			}
			w = append(w, cond.Attr+": "+v)
		}
		add("where", "{"+strings.Join(w, ", ")+"}")
	}
	add("values", list(c.Values))
	add("min", c.Min)
	add("max", c.Max)
	if c.Match != nil {
		add("match", c.Match.String())
	}
	if c.NotMatch != nil {
		add("not_match", c.NotMatch.String())
	}
	add("want", c.Want)
	if l := c.MaxYears; l != nil {
		add("max_years", l.String())
	}
	if c.MaxAge > 0 {
		add("max_age", formatAge(c.MaxAge))
	}
	add("since", c.Since)
	if c.MaxChange > 0 {
		add("max_change", fmt.Sprint(c.MaxChange))
	}
	add("register", list(c.Register))
	add("attribute", c.Attribute)
	add("register_fields", list(c.RegisterFields))
	add("key", c.Key)
	add("after", c.After)
	add("person", c.Person)
	add("by", c.By)
	if c.MaxCount > 0 {
		add("max", fmt.Sprint(c.MaxCount))
	}
	return strings.Join(parts, ", ")
}

// String writes the limit as it is written in YAML.
func (l *Limit) String() string {
	if l.By == "" {
		return fmt.Sprint(l.Default)
	}
	keys := make([]string, 0, len(l.Values))
	for k := range l.Values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var vals []string
	for _, k := range keys {
		vals = append(vals, fmt.Sprintf("%s: %v", k, l.Values[k]))
	}
	s := "{by: " + l.By + ", values: {" + strings.Join(vals, ", ") + "}"
	if l.HasDefault {
		s += fmt.Sprintf(", default: %v", l.Default)
	}
	return s + "}"
}

// formatAge writes a duration in days when it is whole days.
func formatAge(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
