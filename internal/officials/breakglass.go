package officials

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
)

// Verdicts of a break-glass review.
const (
	Justified   = "justified"
	Unjustified = "unjustified"
)

// MinBreakGlassReason is the shortest written reason for break-glass
// access, in characters: a sentence, not a shrug.
const MinBreakGlassReason = 20

// Grant is an official's break-glass access to one person outside their
// agency: granted At with a written Reason under a stated Case, open until
// Until, and listed for an auditor's review.
type Grant struct {
	ID       int64
	Official Official
	Subject  string // the person's entity id
	Reason   string
	Case     string // the case reference stated when it was granted
	At       time.Time
	Until    time.Time
	// Reviewed is set once an auditor has judged the grant; Reviewer is
	// their login, Verdict Justified or Unjustified.
	Reviewed   bool
	Reviewer   string
	Verdict    string
	Note       string
	ReviewedAt time.Time
}

// BreakGlass opens subject (an entity id) to the session's official for
// Options.BreakGlassFor, with a written reason of at least
// MinBreakGlassReason characters (ErrInvalid), under the session's stated
// case (ErrNoCase). Only officials whose roles may read a person at all
// may break the glass (ErrForbidden): it widens the scope of a role, never
// its actions. The caller logs the grant and each read under it.
func (d *Directory) BreakGlass(ctx context.Context, s Session, subject, reason string) (Grant, error) {
	if !s.Official.Principal().Permits(access.ReadPerson) {
		return Grant{}, fmt.Errorf("break-glass: %w", ErrForbidden)
	}
	if s.Case.Ref == "" {
		return Grant{}, fmt.Errorf("break-glass: %w", ErrNoCase)
	}
	if err := checkSubject(subject); err != nil {
		return Grant{}, err
	}
	// Browsers send a textarea's lines with CRLF.
	reason = strings.TrimSpace(strings.ReplaceAll(reason, "\r\n", "\n"))
	if err := checkText("reason", reason, MinBreakGlassReason, 1000, true); err != nil {
		return Grant{}, err
	}
	now := d.now()
	g := store.BreakGlass{OfficialID: s.Official.ID, Subject: subject, Reason: reason, CaseRef: s.Case.Ref,
		At: now, Until: now.Add(d.opts.BreakGlassFor)}
	id, err := d.st.AddBreakGlass(ctx, g)
	if err != nil {
		return Grant{}, err
	}
	g.ID = id
	slog.WarnContext(ctx, "break-glass", "official", s.Official.Login, "agency", s.Official.Agency, "subject", subject,
		"case", s.Case.Ref, "until", g.Until)
	return grant(g, s.Official, ""), nil
}

// checkSubject accepts an entity id: 1 to 64 printable ASCII characters
// without spaces.
func checkSubject(s string) error {
	if s == "" || len(s) > 64 {
		return fmt.Errorf("%w subject: want 1 to 64 characters", ErrInvalid)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("%w subject: character %q is not allowed", ErrInvalid, s[i])
		}
	}
	return nil
}

// ActiveGrant returns the official's break-glass grant to subject that is
// open now; false when there is none. A grant an auditor has found
// unjustified is closed.
func (d *Directory) ActiveGrant(ctx context.Context, officialID int64, subject string) (Grant, bool, error) {
	g, ok, err := d.st.ActiveBreakGlass(ctx, officialID, subject, d.now())
	if err != nil || !ok {
		return Grant{}, false, err
	}
	o, err := d.st.OfficialByID(ctx, officialID)
	if err != nil {
		return Grant{}, false, err
	}
	return grant(g, fromStore(o), ""), true, nil
}

// Grants returns up to limit break-glass grants, newest first; with
// pendingOnly, those not yet reviewed, for the auditor's list.
func (d *Directory) Grants(ctx context.Context, pendingOnly bool, limit int) ([]Grant, error) {
	if limit <= 0 {
		limit = 100
	}
	gs, err := d.st.BreakGlassList(ctx, pendingOnly, limit)
	if err != nil {
		return nil, err
	}
	byID := map[int64]Official{}
	official := func(id int64) (Official, error) {
		if o, ok := byID[id]; ok {
			return o, nil
		}
		so, err := d.st.OfficialByID(ctx, id)
		if err != nil {
			return Official{}, err
		}
		byID[id] = fromStore(so)
		return byID[id], nil
	}
	out := make([]Grant, 0, len(gs))
	for _, g := range gs {
		o, err := official(g.OfficialID)
		if err != nil {
			return nil, err
		}
		var reviewer string
		if g.ReviewerID != 0 {
			r, err := official(g.ReviewerID)
			if err != nil {
				return nil, err
			}
			reviewer = r.Login
		}
		out = append(out, grant(g, o, reviewer))
	}
	return out, nil
}

// Review records an auditor's verdict on grant id: Justified or
// Unjustified (ErrInvalid otherwise), with an optional note of up to 1000
// characters. The reviewer must be permitted access.ReviewBreakGlass and
// must not be the grant's official (ErrForbidden). A review is final
// (ErrReviewed); an unjustified verdict closes the grant at once.
// ErrNotFound for an unknown grant.
func (d *Directory) Review(ctx context.Context, id int64, reviewer Official, verdict, note string) error {
	if !reviewer.Principal().Permits(access.ReviewBreakGlass) {
		return fmt.Errorf("break-glass review: %w", ErrForbidden)
	}
	if verdict != Justified && verdict != Unjustified {
		return fmt.Errorf("%w verdict %q: want %s or %s", ErrInvalid, verdict, Justified, Unjustified)
	}
	note = strings.TrimSpace(strings.ReplaceAll(note, "\r\n", "\n"))
	if note != "" {
		if err := checkText("note", note, 1, 1000, true); err != nil {
			return err
		}
	}
	g, err := d.st.BreakGlassByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("break-glass %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if g.OfficialID == reviewer.ID {
		return fmt.Errorf("break-glass %d: an official cannot review their own access: %w", id, ErrForbidden)
	}
	err = d.st.ReviewBreakGlass(ctx, id, reviewer.ID, verdict, note, d.now())
	if errors.Is(err, store.ErrReviewed) {
		return fmt.Errorf("break-glass %d: %w", id, ErrReviewed)
	}
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "break-glass reviewed", "id", id, "reviewer", reviewer.Login, "verdict", verdict)
	return nil
}

func grant(g store.BreakGlass, o Official, reviewer string) Grant {
	return Grant{ID: g.ID, Official: o, Subject: g.Subject, Reason: g.Reason, Case: g.CaseRef, At: g.At, Until: g.Until,
		Reviewed: !g.ReviewedAt.IsZero(), Reviewer: reviewer, Verdict: g.Verdict, Note: g.Note, ReviewedAt: g.ReviewedAt}
}
