package officials

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// Case is what an official states they work on before reading people's
// data: a case reference and a reason code, stated once per case, not per
// click. Reads are logged under it.
type Case struct {
	Ref    string    // the case's reference in the agency's own system
	Reason string    // one of ReasonCodes
	At     time.Time // when it was stated
}

// ReasonCodes are the reasons an official may give for working on a case.
var ReasonCodes = []string{"data-correction", "citizen-request", "quality-review", "social-case", "legal-request"}

// ReasonLabels names each reason code for people: ReasonLabels[code][lang]
// with lang one of "kk", "ru", "en".
var ReasonLabels = map[string]map[string]string{
	"data-correction": {
		"kk": "Деректерді түзету",
		"ru": "Исправление данных",
		"en": "Correcting data",
	},
	"citizen-request": {
		"kk": "Азаматтың өтініші",
		"ru": "Обращение гражданина",
		"en": "A citizen's request",
	},
	"quality-review": {
		"kk": "Деректер сапасын тексеру",
		"ru": "Проверка качества данных",
		"en": "Data quality review",
	},
	"social-case": {
		"kk": "Әлеуметтік қорғау ісі",
		"ru": "Дело социальной защиты",
		"en": "Social protection case",
	},
	"legal-request": {
		"kk": "Сот немесе құқық қорғау органының сұрауы",
		"ru": "Запрос суда или правоохранительного органа",
		"en": "Request of a court or law enforcement",
	},
}

// Session is a signed-in official's browser.
type Session struct {
	Official Official
	// CSRF is the token every form of the session must send back.
	CSRF string
	// Case is the case stated for this session; zero until stated.
	Case      Case
	CreatedAt time.Time
	// ExpiresAt is when the session ends unless it is used before.
	ExpiresAt time.Time
	idHash    []byte
}

// touchEvery limits how often a session's last use is written: a page
// view is a read, and most views need not become a write.
const touchEvery = time.Minute

// StartSession signs o in and returns the session and its token, the
// cookie's value. Only a hash of the token is stored, so a copy of the
// database signs no one in.
func (d *Directory) StartSession(ctx context.Context, o Official) (token string, s Session, err error) {
	if o.ID == 0 || o.Disabled {
		return "", Session{}, fmt.Errorf("start session: %w", ErrNoSession)
	}
	// rand.Text is 128 random bits, never fails, and reads well in a
	// cookie and a form.
	token, csrf := rand.Text(), rand.Text()
	now := d.now()
	os := store.OfficialSession{IDHash: tokenHash(token), OfficialID: o.ID, CSRF: csrf, CreatedAt: now, SeenAt: now,
		ExpiresAt: now.Add(d.opts.SessionMax)}
	if err := d.st.AddOfficialSession(ctx, os); err != nil {
		return "", Session{}, err
	}
	return token, d.session(os, o), nil
}

// Session returns the open session of token with its official as stored
// now (roles changed by the identity provider apply at once), or
// ErrNoSession when the token is unknown, ended, idle too long or past its
// maximum age, or its official has been disabled (the session is then
// ended).
func (d *Directory) Session(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 128 {
		return Session{}, ErrNoSession
	}
	os, err := d.st.OfficialSession(ctx, tokenHash(token))
	if errors.Is(err, store.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	now := d.now()
	if !os.EndedAt.IsZero() || !now.Before(os.ExpiresAt) || !now.Before(os.SeenAt.Add(d.opts.SessionIdle)) {
		return Session{}, ErrNoSession
	}
	so, err := d.st.OfficialByID(ctx, os.OfficialID)
	if err != nil {
		return Session{}, err
	}
	if so.Disabled {
		if err := d.st.EndOfficialSession(ctx, os.IDHash, now); err != nil {
			return Session{}, err
		}
		return Session{}, ErrNoSession
	}
	if now.Sub(os.SeenAt) >= touchEvery {
		if err := d.st.TouchOfficialSession(ctx, os.IDHash, now); err != nil {
			return Session{}, err
		}
		os.SeenAt = now
	}
	return d.session(os, fromStore(so)), nil
}

// EndSession signs the session's browser out; its token stops working.
func (d *Directory) EndSession(ctx context.Context, s Session) error {
	return d.st.EndOfficialSession(ctx, s.idHash, d.now())
}

// SetCase states the case the session works on from now, replacing any
// case stated before, and records it in s. The reference must be 1 to 64
// printable characters (no control or bidirectional-format characters, no
// leading or trailing space) and the reason one of ReasonCodes
// (ErrInvalid). ErrNoSession when the session has ended.
func (d *Directory) SetCase(ctx context.Context, s *Session, c Case) error {
	if err := checkText("case reference", c.Ref, 1, 64, false); err != nil {
		return err
	}
	if !slices.Contains(ReasonCodes, c.Reason) {
		return fmt.Errorf("%w reason %q: not one of %v", ErrInvalid, c.Reason, ReasonCodes)
	}
	c.At = d.now()
	err := d.st.SetOfficialSessionCase(ctx, s.idHash, c.Ref, c.Reason, c.At)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return err
	}
	s.Case = c
	return nil
}

func (d *Directory) session(os store.OfficialSession, o Official) Session {
	s := Session{Official: o, CSRF: os.CSRF, CreatedAt: os.CreatedAt, idHash: os.IDHash,
		ExpiresAt: minTime(os.ExpiresAt, os.SeenAt.Add(d.opts.SessionIdle))}
	if os.CaseRef != "" {
		s.Case = Case{Ref: os.CaseRef, Reason: os.CaseReason, At: os.CaseAt}
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// tokenHash is what is stored of a session token; the prefix keeps an
// official's and a citizen's session hashes apart.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte("ortaq official session\x00" + token))
	return h[:]
}
