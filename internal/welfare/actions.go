package welfare

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/household"
	"github.com/ortaq/ortaq/internal/store"
)

// RespondOffer records the citizen's answer to an offer made to them:
// accepted (their consent to apply; the offer goes to the officers'
// queue) or declined. store.ErrNotFound for an offer that is not theirs,
// store.ErrTooLate once it expired, store.ErrWrongState once answered.
func (s *Service) RespondOffer(ctx context.Context, iin string, offer int64, accept bool) (store.Offer, error) {
	o, err := s.st.RespondOffer(ctx, offer, iin, accept, s.now())
	if err != nil {
		return o, err
	}
	slog.InfoContext(ctx, "benefit offer answered", "offer", o.ID, "programme", o.Programme, "status", o.Status)
	return o, nil
}

// Document is a file filed with an appeal.
type Document struct {
	Name, Type string
	Data       []byte
}

// Limits of an appeal's document: at most MaxDocument bytes, a PDF, JPEG
// or PNG as http.DetectContentType sniffs it (the type the browser claims
// is not trusted).
const MaxDocument = 5 << 20

var documentTypes = []string{"application/pdf", "image/jpeg", "image/png"}

// ErrDocument is wrapped by the errors of a document refused (too large,
// of another type). HTTP handlers map it to 422.
var ErrDocument = errors.New("document refused")

// FileAppeal files the citizen's appeal against a decision on one
// programme, with a reason and an optional document, within the appeal
// window (Options.AppealMonths from the decision). The appellant must be
// a member of the decision's household as of its current decision:
// store.ErrNotFound otherwise, as for an unknown decision, so that no one
// learns of another household's decisions. ErrDocument for a document
// over MaxDocument or not a PDF, JPEG or PNG; store.ErrInvalid for an
// empty reason or a programme the decision does not have.
func (s *Service) FileAppeal(ctx context.Context, iin string, decision int64, programme, reason string, doc *Document) (store.Appeal, error) {
	dec, err := s.st.BenefitDecision(ctx, decision)
	if err != nil {
		return store.Appeal{}, err
	}
	if ok, err := s.Concerns(ctx, iin, dec); err != nil {
		return store.Appeal{}, err
	} else if !ok {
		return store.Appeal{}, fmt.Errorf("appeal against decision %d: %w", decision, store.ErrNotFound)
	}
	if !slices.ContainsFunc(dec.Outcomes, func(o store.BenefitOutcome) bool { return o.Programme == programme }) {
		return store.Appeal{}, fmt.Errorf("appeal against decision %d: programme %q: %w", decision, programme, store.ErrInvalid)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.Appeal{}, fmt.Errorf("appeal against decision %d: no reason: %w", decision, store.ErrInvalid)
	}
	a := store.Appeal{DecisionID: dec.ID, Programme: programme, AppellantIIN: iin, Reason: reason}
	var data []byte
	if doc != nil && len(doc.Data) > 0 {
		if len(doc.Data) > MaxDocument {
			return store.Appeal{}, fmt.Errorf("appeal document: %d bytes, at most %d: %w", len(doc.Data), MaxDocument, ErrDocument)
		}
		typ, _, _ := strings.Cut(http.DetectContentType(doc.Data), ";")
		if !slices.Contains(documentTypes, typ) {
			return store.Appeal{}, fmt.Errorf("appeal document: %s is not a PDF, JPEG or PNG: %w", typ, ErrDocument)
		}
		a.DocumentName, a.DocumentType, data = documentName(doc.Name), typ, doc.Data
	}
	got, err := s.st.FileAppeal(ctx, a, data, s.now(), s.opts.AppealMonths, s.opts.AnswerDays)
	if err != nil {
		return got, err
	}
	slog.InfoContext(ctx, "benefit appeal filed", "appeal", got.ID, "decision", dec.ID, "programme", programme)
	return got, nil
}

// Concerns reports whether decision d is the citizen's to see and
// appeal: it counted them as a member of the household they still
// belong to, or they were offered something on it or appealed it. A
// decision made before they joined is not theirs: it names the people of
// the household then, with their incomes.
func (s *Service) Concerns(ctx context.Context, iin string, d store.BenefitDecision) (bool, error) {
	if iin == "" {
		return false, nil
	}
	members, err := s.st.HouseholdMembers(ctx, d.Household)
	if err != nil {
		return false, err
	}
	if i := slices.IndexFunc(members, func(m store.HouseholdMember) bool { return m.IIN == iin }); i >= 0 {
		sit, err := DecodeSituation(d.Inputs)
		if err != nil {
			return false, err
		}
		if slices.ContainsFunc(sit.Persons, func(p benefits.Person) bool { return p.ID == members[i].Person }) {
			return true, nil
		}
	}
	appeals, err := s.st.AppealsFor(ctx, iin)
	if err != nil {
		return false, err
	}
	if slices.ContainsFunc(appeals, func(a store.Appeal) bool { return a.DecisionID == d.ID }) {
		return true, nil
	}
	offers, err := s.st.OffersFor(ctx, iin)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(offers, func(o store.Offer) bool { return o.DecisionID == d.ID }), nil
}

// documentName keeps the base name of an uploaded file, without control
// or format characters (bidirectional overrides would show
// "scan\u202efdp.exe" as "scanexe.pdf" to the officer) or path
// separators, at most 200 bytes.
func documentName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, name)
	if len(name) > 200 {
		name = strings.ToValidUTF8(name[:200], "")
	}
	if name == "" {
		name = "document"
	}
	return name
}

// ConfirmOffer records an officer's decision on an accepted offer:
// confirmed (the benefit is assigned) or rejected, with a note; the store
// records who. The console checks the officer's access first.
func (s *Service) ConfirmOffer(ctx context.Context, by store.Author, offer int64, confirm bool, note string) (store.Offer, error) {
	o, err := s.st.ConfirmOffer(ctx, offer, by.ID, confirm, strings.TrimSpace(note), s.now())
	if err != nil {
		return o, err
	}
	slog.InfoContext(ctx, "benefit offer decided", "offer", o.ID, "status", o.Status, "official", by.ID)
	return o, nil
}

// Answer is an officer's answer to an appeal: the reasons, the rule they
// cite (its law reference), and the outcome (store.AppealUpheld,
// AppealChanged or AppealRejected). With Redecide the household is
// decided again first (after a correction of its data): the outcome is
// then AppealChanged when the appealed programme's outcome changed, else
// the one given (upheld when none).
type Answer struct {
	Text, RuleRef, Outcome string
	Redecide               bool
}

// AnswerAppeal answers an open appeal. With a.Redecide the household is
// re-decided (Redecide) and the new decision is linked in the answer when
// the appealed programme's eligibility or amount changed.
func (s *Service) AnswerAppeal(ctx context.Context, by store.Author, appeal int64, a Answer) (store.Appeal, error) {
	ap, err := s.st.Appeal(ctx, appeal)
	if err != nil {
		return ap, err
	}
	if ap.Status != store.AppealOpen {
		return ap, fmt.Errorf("answer appeal %d: %w (%s)", appeal, store.ErrWrongState, ap.Status)
	}
	ans := store.AppealAnswer{Official: by.ID, Text: strings.TrimSpace(a.Text), RuleRef: strings.TrimSpace(a.RuleRef),
		Outcome: a.Outcome, At: s.now()}
	if a.Redecide {
		old, err := s.st.BenefitDecision(ctx, ap.DecisionID)
		if err != nil {
			return ap, err
		}
		nd, err := s.redecide(ctx, ap.Household, store.RunAppeal)
		if err != nil {
			return ap, err
		}
		if outcomeOf(old.Outcomes, ap.Programme) != outcomeOf(nd.Outcomes, ap.Programme) {
			ans.Outcome, ans.NewDecisionID = store.AppealChanged, nd.ID
		} else if ans.Outcome == "" || ans.Outcome == store.AppealChanged {
			ans.Outcome = store.AppealUpheld
		}
	}
	got, err := s.st.AnswerAppeal(ctx, appeal, ans)
	if err != nil {
		return got, err
	}
	slog.InfoContext(ctx, "benefit appeal answered", "appeal", got.ID, "outcome", got.Outcome, "official", by.ID)
	return got, nil
}

func outcomeOf(os []store.BenefitOutcome, programme string) store.BenefitOutcome {
	for _, o := range os {
		if o.Programme == programme {
			return o
		}
	}
	return store.BenefitOutcome{}
}

// Redecide decides one household again, with its data as the golden
// records now hold it, on the date of its current decision (the one an
// appeal or a correction concerns), in a run of kind appeal. It stores a
// new decision even when nothing changed, so that the answer can cite it;
// offers follow for what became eligible.
func (s *Service) Redecide(ctx context.Context, household string) (store.BenefitDecision, error) {
	return s.redecide(ctx, household, store.RunAppeal)
}

func (s *Service) redecide(ctx context.Context, hh, kind string) (store.BenefitDecision, error) {
	cur, err := s.st.CurrentDecision(ctx, hh)
	if err != nil {
		return cur, err
	}
	date, err := benefits.ParseDate(cur.DecisionDate)
	if err != nil {
		return cur, fmt.Errorf("redecide %s: %w", hh, err)
	}
	members, err := s.st.HouseholdMembers(ctx, hh)
	if err != nil {
		return cur, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.Person
	}
	profiles, err := household.ForPersons(ctx, s.st, ids, timeOf(date))
	if err != nil {
		return cur, err
	}
	i := slices.IndexFunc(profiles, func(p household.Profile) bool { return p.ID == hh })
	if i < 0 {
		return cur, fmt.Errorf("redecide %s: the household no longer exists in the registers: %w", hh, store.ErrNotFound)
	}
	r := s.rules()
	d := s.decide(r, &profiles[i], date)
	if d.err != nil {
		return cur, d.err
	}
	w, err := s.st.BeginDecisions(ctx, store.BenefitRun{Kind: kind, DecisionDate: date.String(), CatalogVersion: r.key})
	if err != nil {
		return cur, err
	}
	defer w.Abort()
	id, err := w.Add(ctx, d.dec)
	if err != nil {
		return cur, err
	}
	if d.scored {
		if err := w.AddWellbeing(ctx, wellbeingRow(d.score)); err != nil {
			return cur, err
		}
	}
	run, err := w.Commit(ctx, 1)
	if err != nil {
		return cur, err
	}
	if err := s.afterRun(ctx, run); err != nil {
		return cur, err
	}
	return s.st.BenefitDecision(ctx, id)
}

// AppealUntil is the last moment d can be appealed: Options.AppealMonths
// calendar months after it was made, counted as FileAppeal counts them
// (store.AddMonths), so that a page showing the date and the button agrees
// with the refusal of a late appeal.
func (s *Service) AppealUntil(d store.BenefitDecision) time.Time {
	return store.AddMonths(d.CreatedAt, s.opts.AppealMonths)
}
