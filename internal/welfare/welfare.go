// Package welfare joins the benefits engine, household profiles, the
// store and the well-being model into the social-protection service:
// mass and incremental decisions with their events, proactive offers and
// their SMS, reproducible explanations, citizens' answers and appeals,
// officers' confirmations and answers, and the ministry's rule changes and
// reform simulations.
//
// Every decision names the catalog it was made with: the built-in
// programmes (by a hash of their content) and the ids of the rule versions
// a ministry stored over them. Result rebuilds that catalog from the store
// and decides the stored situation again, so any decision and its trace
// are reproduced exactly on demand (see result.go).
package welfare

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/wellbeing"
)

// Options configure a Service; the zero value is the defaults.
type Options struct {
	Now          func() time.Time // nil: time.Now
	SMS          wallet.SMSSender // nil: the store's outbox (wallet.NewOutbox)
	Agency       string           // administering agency of the programmes; "" = "mlsp"
	OfferTTL     time.Duration    // 0 = 30 days
	AppealMonths int              // 0 = 3 months
	AnswerDays   int              // 0 = 15 days
	Wellbeing    *wellbeing.Model // nil = wellbeing.Default()
}

// Service is the benefits service over one store. It is safe for
// concurrent use.
type Service struct {
	st   *store.Store
	opts Options

	mu  sync.RWMutex
	cur *rules // the catalog in force: defaults + active store overlays
	// past caches the engines of catalogs decisions named, by key.
	past map[string]*rules
}

// rules is a compiled catalog with the key decisions name it by.
type rules struct {
	eng *benefits.Engine
	// key is "<hash of the built-in catalog>" followed by "+r<id>" for
	// each store rule version laid over it.
	key   string
	ids   []int64 // the store rule versions, by id
	index *Index
	// single holds one engine per programme, for re-deciding only the
	// programmes a change affects.
	single map[string]*benefits.Engine
}

// New returns the service over st with the catalog in force: the built-in
// programmes and parameters with every active rule version of the store
// laid over them.
func New(ctx context.Context, st *store.Store, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SMS == nil {
		opts.SMS = wallet.NewOutbox(st)
	}
	if opts.Agency == "" {
		opts.Agency = "mlsp"
	}
	if opts.OfferTTL == 0 {
		opts.OfferTTL = 30 * 24 * time.Hour
	}
	if opts.AppealMonths == 0 {
		opts.AppealMonths = 3
	}
	if opts.AnswerDays == 0 {
		opts.AnswerDays = 15
	}
	if opts.Wellbeing == nil {
		opts.Wellbeing = wellbeing.Default()
	}
	s := &Service{st: st, opts: opts, past: map[string]*rules{}}
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Agency is the administering agency of the programmes.
func (s *Service) Agency() string { return s.opts.Agency }

// Engine is the engine of the catalog in force.
func (s *Service) Engine() *benefits.Engine { return s.rules().eng }

func (s *Service) rules() *rules {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cur
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// Refresh picks up rule changes another process made (`ortaq benefits
// rules set` beside a running server): when the versions in force differ
// from those compiled, it compiles them again. serve calls it
// periodically; it is cheap when nothing changed.
func (s *Service) Refresh(ctx context.Context) error {
	rvs, err := s.st.RuleVersions(ctx)
	if err != nil {
		return fmt.Errorf("welfare: %w", err)
	}
	ids := make([]int64, len(rvs))
	for i, v := range rvs {
		ids[i] = v.ID
	}
	slices.Sort(ids)
	if slices.Equal(ids, s.rules().ids) {
		return nil
	}
	return s.install(rvs)
}

// reload compiles the catalog in force from the store.
func (s *Service) reload(ctx context.Context) error {
	rvs, err := s.st.RuleVersions(ctx)
	if err != nil {
		return fmt.Errorf("welfare: %w", err)
	}
	return s.install(rvs)
}

// install compiles rule versions rvs over the built-in catalog and makes
// them the rules in force.
func (s *Service) install(rvs []store.RuleVersion) error {
	r, err := compile(rvs)
	if err != nil {
		return fmt.Errorf("welfare: rules in force: %w", err)
	}
	s.mu.Lock()
	s.cur = r
	s.past[r.key] = r
	s.mu.Unlock()
	return nil
}

// builtinKey hashes what decides in the built-in catalog, so that a
// decision made by another build of the rules is told apart, while one
// whose build only reworded the explanations still reproduces.
var builtinKey = sync.OnceValues(func() (string, error) {
	cat, err := benefits.DefaultCatalog()
	if err != nil {
		return "", err
	}
	key, err := cat.DecidingKey()
	if err != nil {
		return "", err
	}
	return "builtin-" + key[:12], nil
})

// compile builds and compiles the built-in catalog with rvs laid over it,
// in id order (the order they were made).
func compile(rvs []store.RuleVersion) (*rules, error) {
	key, err := builtinKey()
	if err != nil {
		return nil, err
	}
	rvs = slices.Clone(rvs)
	slices.SortFunc(rvs, func(a, b store.RuleVersion) int { return int(a.ID - b.ID) })
	base, err := benefits.DefaultCatalog()
	if err != nil {
		return nil, err
	}
	files := make([]benefits.File, 0, len(rvs))
	r := &rules{}
	var sb strings.Builder
	sb.WriteString(key)
	for _, v := range rvs {
		files = append(files, ruleFile(v))
		r.ids = append(r.ids, v.ID)
		sb.WriteString("+r" + strconv.FormatInt(v.ID, 10))
	}
	cat, err := base.With(files...)
	if err != nil {
		return nil, err
	}
	return newRules(cat, sb.String(), r.ids)
}

func newRules(cat *benefits.Catalog, key string, ids []int64) (*rules, error) {
	eng, err := benefits.NewEngine(cat)
	if err != nil {
		return nil, err
	}
	r := &rules{eng: eng, key: key, ids: ids, index: NewIndex(cat), single: map[string]*benefits.Engine{}}
	for _, p := range cat.Programmes {
		one, err := benefits.NewEngine(&benefits.Catalog{Programmes: []*benefits.Programme{p}, Params: cat.Params})
		if err != nil {
			return nil, err
		}
		r.single[p.ID] = one
	}
	return r, nil
}

// ruleFile is the catalog file of a stored rule version: its body is a
// parameters file (kind parameter) or a programme file (kind programme).
func ruleFile(v store.RuleVersion) benefits.File {
	name := "programme-" + strconv.FormatInt(v.ID, 10) + ".yaml"
	if v.Kind == store.RuleParameter {
		name = "parameters-" + strconv.FormatInt(v.ID, 10) + ".yaml"
	}
	return benefits.File{Name: name, Data: []byte(v.Body)}
}

// versionsDoc is a decision's Versions column: the catalog it was made
// with and, per programme, the engine's versions (programme version and
// the dates of the parameter values it read).
type versionsDoc struct {
	Catalog    string                       `json:"catalog"`
	Rules      []int64                      `json:"rules,omitempty"`
	Programmes map[string]benefits.Versions `json:"programmes"`
}

func encodeVersions(r *rules, res *benefits.Result) string {
	doc := versionsDoc{Catalog: r.key, Rules: r.ids, Programmes: make(map[string]benefits.Versions, len(res.Programmes))}
	for _, d := range res.Programmes {
		doc.Programmes[d.Programme] = d.Versions
	}
	b, _ := json.Marshal(doc) // plain values: cannot fail
	return string(b)
}

func decodeVersions(s string) (versionsDoc, error) {
	var doc versionsDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return doc, fmt.Errorf("versions: %w", err)
	}
	return doc, nil
}

// outcomes are the store's view of a result.
func outcomes(res *benefits.Result) []store.BenefitOutcome {
	out := make([]store.BenefitOutcome, len(res.Programmes))
	for i, d := range res.Programmes {
		out[i] = store.BenefitOutcome{Programme: d.Programme, Eligible: d.Eligible, Amount: d.Amount.Int64(), Period: d.Period}
	}
	return out
}
