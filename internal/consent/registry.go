package consent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
)

// ErrTransition means a change a consent's status does not allow, such as
// resuming a revoked consent.
var ErrTransition = errors.New("consent cannot change so")

// Registry keeps consents in the store and signs each version.
type Registry struct {
	st     *store.Store
	signer note.Signer
	// now is the clock; tests set it.
	now func() time.Time
}

// New returns a registry over st that signs versions with signer.
func New(st *store.Store, signer note.Signer) *Registry {
	return &Registry{st: st, signer: signer, now: time.Now}
}

// Grant records a new consent, ACTIVE from its ValidFrom (now when zero).
func (r *Registry) Grant(ctx context.Context, a Artefact, by string) (Signed, error) {
	now := r.now().UTC()
	if a.ValidFrom.IsZero() {
		a.ValidFrom = now
	}
	if err := a.check(); err != nil {
		return Signed{}, err
	}
	var id [12]byte
	rand.Read(id[:])
	a.ID, a.Version, a.Status, a.ChangedBy, a.Reason = "c-"+hex.EncodeToString(id[:]), 1, Active, by, ""
	return r.append(ctx, a, now)
}

// Pause stops a consent from allowing queries until it is resumed.
func (r *Registry) Pause(ctx context.Context, id, by, reason string) (Signed, error) {
	return r.change(ctx, id, Paused, by, reason)
}

// Resume lets a paused consent allow queries again.
func (r *Registry) Resume(ctx context.Context, id, by, reason string) (Signed, error) {
	return r.change(ctx, id, Active, by, reason)
}

// Revoke ends a consent for good.
func (r *Registry) Revoke(ctx context.Context, id, by, reason string) (Signed, error) {
	return r.change(ctx, id, Revoked, by, reason)
}

func (r *Registry) change(ctx context.Context, id, status, by, reason string) (Signed, error) {
	cur, err := r.Get(ctx, id)
	if err != nil {
		return Signed{}, err
	}
	now := r.now().UTC()
	from := cur.StatusAt(now)
	if !slices.Contains(transitions[from], status) {
		return Signed{}, fmt.Errorf("consent %s is %s and cannot become %s: %w", id, from, status, ErrTransition)
	}
	a := cur.Artefact
	a.Version++
	a.Status, a.ChangedBy, a.Reason = status, by, reason
	return r.append(ctx, a, now)
}

// Get returns a consent's latest version; a wrapped store.ErrNotFound
// when there is none.
func (r *Registry) Get(ctx context.Context, id string) (Signed, error) {
	v, err := r.st.ConsentLatest(ctx, id)
	if err != nil {
		return Signed{}, err
	}
	return fromStore(v), nil
}

// History returns every version of a consent, oldest first.
func (r *Registry) History(ctx context.Context, id string) ([]Signed, error) {
	vs, err := r.st.ConsentHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("consent %s: %w", id, store.ErrNotFound)
	}
	return fromStoreAll(vs), nil
}

// Of returns the latest version of every consent subject gave, newest
// first.
func (r *Registry) Of(ctx context.Context, subject string) ([]Signed, error) {
	vs, err := r.st.ConsentsOf(ctx, subject, "", "")
	if err != nil {
		return nil, err
	}
	return fromStoreAll(vs), nil
}

// Allows reports whether subject has an ACTIVE consent letting the client
// use service for purpose now, for some of fields, and which of them: a
// consent naming fields narrows the answer to those. It is the exchange's
// Options.Consent. A one-off consent is used up by the query it allows, by
// a version that expires it, before the answer is given.
func (r *Registry) Allows(ctx context.Context, subject string, c exchange.Client, service, purpose string, fields []string) ([]string, bool, error) {
	vs, err := r.st.ConsentsOf(ctx, subject, c.Member, purpose)
	if err != nil {
		return nil, false, err
	}
	now := r.now().UTC()
	for _, v := range vs {
		a := fromStore(v).Artefact
		if !a.covers(c.Member, c.Subsystem, service, purpose, now) {
			continue
		}
		covered := fields
		if len(a.Fields) > 0 {
			covered = slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return !slices.Contains(a.Fields, f) })
		}
		if len(covered) == 0 {
			continue
		}
		if a.Frequency == OneOff {
			a.Version++
			a.Status, a.ChangedBy, a.Reason = Expired, "exchange", "used once"
			if _, err := r.append(ctx, a, now); err != nil {
				if errors.Is(err, store.ErrVersionTaken) {
					continue // another query used it first
				}
				return nil, false, err
			}
		}
		return covered, true, nil
	}
	return nil, false, nil
}

// append signs a version and stores it.
func (r *Registry) append(ctx context.Context, a Artefact, now time.Time) (Signed, error) {
	a.ChangedAt = now.Truncate(time.Microsecond)
	a.ValidFrom, a.ValidUntil = a.ValidFrom.UTC().Truncate(time.Microsecond), a.ValidUntil.UTC().Truncate(time.Microsecond)
	body, err := json.Marshal(a)
	if err != nil {
		return Signed{}, fmt.Errorf("consent %s: %w", a.ID, err)
	}
	msg, err := note.Sign(&note.Note{Text: "ortaq consent v1\n" + string(body) + "\n"}, r.signer)
	if err != nil {
		return Signed{}, fmt.Errorf("consent %s: sign: %w", a.ID, err)
	}
	s := Signed{Artefact: a, Body: string(body), Note: string(msg)}
	err = r.st.AppendConsentVersion(ctx, store.ConsentVersion{ConsentID: a.ID, Version: a.Version, Subject: a.Subject,
		Member: a.Member, Subsystem: a.Subsystem, Purpose: a.Purpose, Services: a.Services, Fields: a.Fields,
		ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil, Frequency: a.Frequency, RetentionDays: a.RetentionDays,
		Status: a.Status, ChangedAt: a.ChangedAt, ChangedBy: a.ChangedBy, Reason: a.Reason, Body: s.Body, Note: s.Note})
	if err != nil {
		return Signed{}, err
	}
	return s, nil
}

func fromStore(v store.ConsentVersion) Signed {
	return Signed{Artefact: Artefact{ID: v.ConsentID, Version: v.Version, Subject: v.Subject, Member: v.Member,
		Subsystem: v.Subsystem, Purpose: v.Purpose, Services: v.Services, Fields: v.Fields, ValidFrom: v.ValidFrom,
		ValidUntil: v.ValidUntil, Frequency: v.Frequency, RetentionDays: v.RetentionDays, Status: v.Status,
		ChangedAt: v.ChangedAt, ChangedBy: v.ChangedBy, Reason: v.Reason}, Body: v.Body, Note: v.Note}
}

func fromStoreAll(vs []store.ConsentVersion) []Signed {
	out := make([]Signed, len(vs))
	for i, v := range vs {
		out[i] = fromStore(v)
	}
	return out
}
