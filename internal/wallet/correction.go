package wallet

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Defaults and limits of correction requests.
const (
	// DefaultCorrectionDue is how long an agency has to answer a request
	// when CorrectionOptions.Due is 0.
	DefaultCorrectionDue = 15 * 24 * time.Hour
	// DefaultMaxAttachment bounds an attachment when
	// CorrectionOptions.MaxAttachment is 0.
	DefaultMaxAttachment = 5 << 20
	// DefaultApplyDue is how long an agency has, once it accepted a
	// request, to hold the corrected value in its own system when
	// CorrectionOptions.ApplyDue is 0.
	DefaultApplyDue = 15 * 24 * time.Hour

	maxProposed    = 500  // characters of a proposed value
	maxExplanation = 2000 // characters of a citizen's explanation
	maxNote        = 1000 // characters of an officer's note or reason
	maxActor       = 200  // characters of the name of who decides
	maxFileName    = 120  // characters of an attachment's name
)

// attachmentTypes are the kinds of file a request may carry, as
// http.DetectContentType names them.
var attachmentTypes = []string{"application/pdf", "image/png", "image/jpeg"}

// Errors with an errors.Is contract, besides store.ErrNotFound (404),
// store.ErrCorrectionDecided and store.ErrRecordChanged (409).
var (
	// ErrRecordGone: the record a correction names was deleted (a full
	// load no longer has it), so there is nothing to correct. HTTP 409.
	ErrRecordGone = errors.New("the record no longer exists")
	// ErrGoldenNotRefreshed: Accept stored the acceptance and the record's
	// new version, but rebuilding the golden record failed; the next
	// golden build (quality run) brings it up to date. Accept returns the
	// accepted correction with it: show success with a warning.
	ErrGoldenNotRefreshed = errors.New("correction accepted, but the golden record was not refreshed")
)

// CorrectionOptions configure Corrections.
type CorrectionOptions struct {
	Due           time.Duration // time an agency has to answer; 0 means 15 days
	MaxAttachment int64         // bytes; 0 means 5 MiB
	// ApplyDue is the time an agency has, after accepting a request, to
	// apply the value in its own system; 0 means 15 days.
	ApplyDue time.Duration
}

// Attachment is a file a citizen sends with a request: a scan of a
// document, as PDF, PNG or JPEG.
type Attachment struct {
	Name, Type string
	Data       []byte
}

// CorrectionRequest is what a signed-in citizen asks: that the value of
// Attr in record RecordID of source Source become Proposed, because of
// Explanation. Subject is the citizen's IIN, from their session, never
// from the form.
type CorrectionRequest struct {
	Subject, Source, RecordID, Attr, Proposed, Explanation string
	Attachment                                             *Attachment
}

// InputError is a mistake in what the citizen or the officer sent; the
// page shows Reason next to Field. Field is one of "subject", "attr",
// "proposed", "explanation", "attachment" (File), "by", "note" (Accept),
// "reason" (Reject) or "status" (List). HTTP 400 (or the form again).
type InputError struct {
	Field, Reason string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

func inputError(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Corrections files citizens' correction requests and lets agencies decide
// them. Every request is kept with its history; an accepted one becomes a
// new version of the agency's record, never an overwrite. It is safe for
// concurrent use.
//
// Corrections does not authorise: the caller MUST show a citizen only
// their own requests (Correction.Subject) and an officer only those of
// their agency (Correction.Agency).
type Corrections struct {
	st   *store.Store
	opts CorrectionOptions
}

// NewCorrections returns the correction requests kept in st.
func NewCorrections(st *store.Store, opts CorrectionOptions) *Corrections {
	if opts.Due <= 0 {
		opts.Due = DefaultCorrectionDue
	}
	if opts.MaxAttachment <= 0 {
		opts.MaxAttachment = DefaultMaxAttachment
	}
	if opts.ApplyDue <= 0 {
		opts.ApplyDue = DefaultApplyDue
	}
	return &Corrections{st: st, opts: opts}
}

// File checks a citizen's request and stores it, open, on the work list
// of the agency owning the record, due Due after now.
//
// The record MUST be a live record of the citizen: one resolved into the
// entity whose golden record has Subject as its national id. Any other
// record, someone else's included, is refused exactly as one that does not
// exist, with a wrapped store.ErrNotFound, so that requests reveal nothing
// of other people's records. Mistakes in the request come back as
// *InputError: Attr must be an attribute the record holds; Proposed
// (trimmed) 1..500 characters of text, valid for the attribute's type in
// the source's contract (it is stored in its canonical form, such as
// YYYY-MM-DD for a date) and different from the current value; Explanation
// 1..2000 characters; the attachment at most MaxAttachment bytes of PDF,
// PNG or JPEG, judged by its content, not by the declared type, with its
// name cut to the last path element.
func (c *Corrections) File(ctx context.Context, req CorrectionRequest) (store.Correction, error) {
	subject := strings.TrimSpace(req.Subject)
	if _, err := kz.ParseIIN(subject); err != nil {
		return store.Correction{}, inputError("subject", "not a valid IIN: %v", err)
	}
	src, rec, err := c.ownRecord(ctx, subject, req.Source, req.RecordID)
	if err != nil {
		return store.Correction{}, err
	}
	current, ok := rec.Attrs[req.Attr]
	if !ok || req.Attr == "" {
		return store.Correction{}, inputError("attr", "the record holds no value %q", req.Attr)
	}
	proposed, err := checkText("proposed", req.Proposed, 1, maxProposed, false)
	if err != nil {
		return store.Correction{}, err
	}
	def, err := contract(src)
	if err != nil {
		return store.Correction{}, fmt.Errorf("file correction: %w", err)
	}
	proposed, why, err := canonicalValue(def, req.Attr, proposed)
	if err != nil {
		return store.Correction{}, fmt.Errorf("file correction: %w", err)
	}
	if why != "" {
		return store.Correction{}, inputError("proposed", "%s", why)
	}
	if proposed == current {
		return store.Correction{}, inputError("proposed", "the record already holds this value")
	}
	explanation, err := checkText("explanation", req.Explanation, 1, maxExplanation, true)
	if err != nil {
		return store.Correction{}, err
	}
	var att *Attachment
	if req.Attachment != nil {
		if att, err = c.checkAttachment(*req.Attachment); err != nil {
			return store.Correction{}, err
		}
	}
	id, err := newCorrectionID()
	if err != nil {
		return store.Correction{}, fmt.Errorf("file correction: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	corr := store.Correction{ID: id, Subject: subject, EntityID: rec.EntityID, SourceID: src.ID, Source: src.Name,
		Agency: src.AgencyCode, RecordID: rec.RecordID, RecordVersion: rec.Version, Attr: req.Attr, CurrentValue: current,
		ProposedValue: proposed, Explanation: explanation, Status: store.CorrectionOpen, FiledAt: now, DueAt: now.Add(c.opts.Due)}
	var data []byte
	if att != nil {
		corr.AttachmentName, corr.AttachmentType, corr.AttachmentSize = att.Name, att.Type, int64(len(att.Data))
		data = att.Data
	}
	if err := c.st.FileCorrection(ctx, corr, data); err != nil {
		return store.Correction{}, err
	}
	return corr, nil
}

// ownRecord returns the source and the live record (source, recordID) if
// the record belongs to the person whose golden national id is subject,
// and a wrapped store.ErrNotFound otherwise, whatever the reason.
func (c *Corrections) ownRecord(ctx context.Context, subject, srcName, recordID string) (store.SourceDef, store.LiveRecord, error) {
	notFound := fmt.Errorf("record %s:%s: %w", srcName, recordID, store.ErrNotFound)
	src, err := c.st.Source(ctx, srcName)
	if errors.Is(err, store.ErrNotFound) {
		return src, store.LiveRecord{}, notFound
	}
	if err != nil {
		return src, store.LiveRecord{}, fmt.Errorf("file correction: %w", err)
	}
	people, err := c.st.GoldenByNationalID(ctx, subject, 20)
	if err != nil {
		return src, store.LiveRecord{}, fmt.Errorf("file correction: %w", err)
	}
	var ids []string
	for _, g := range people {
		if g.Kind == source.EntityPerson {
			ids = append(ids, g.EntityID)
		}
	}
	if len(ids) == 0 {
		return src, store.LiveRecord{}, notFound
	}
	recs, err := c.st.EntityRecords(ctx, ids)
	if err != nil {
		return src, store.LiveRecord{}, fmt.Errorf("file correction: %w", err)
	}
	for _, r := range recs {
		if r.SourceID == src.ID && r.RecordID == recordID {
			return src, r, nil
		}
	}
	return src, store.LiveRecord{}, notFound
}

// checkText trims s and checks that it is valid UTF-8 of lo..hi
// characters without control characters (but line breaks and tabs, when
// multiline).
func checkText(field, s string, lo, hi int, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", inputError(field, "not valid UTF-8 text")
	}
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n < lo:
		return "", inputError(field, "required")
	case n > hi:
		return "", inputError(field, "too long: %d characters, at most %d", n, hi)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return "", inputError(field, "contains a control character")
		}
	}
	return s, nil
}

// checkAttachment returns the attachment with its type sniffed from its
// content and its name cleaned.
func (c *Corrections) checkAttachment(a Attachment) (*Attachment, error) {
	switch {
	case len(a.Data) == 0:
		return nil, inputError("attachment", "the file is empty")
	case int64(len(a.Data)) > c.opts.MaxAttachment:
		return nil, inputError("attachment", "the file has %d bytes, at most %d", len(a.Data), c.opts.MaxAttachment)
	}
	ctype := http.DetectContentType(a.Data)
	if !slices.Contains(attachmentTypes, ctype) {
		return nil, inputError("attachment", "a %s file; send PDF, PNG or JPEG", ctype)
	}
	return &Attachment{Name: cleanFileName(a.Name, ctype), Type: ctype, Data: a.Data}, nil
}

// cleanFileName keeps the last element of a path a browser may send (with
// / or \), without control characters or quotes, at most maxFileName
// characters; a name left empty becomes "attachment" with the type's
// extension.
func cleanFileName(name, ctype string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxFileName {
		name = string(r[len(r)-maxFileName:])
	}
	if strings.Trim(name, ".") == "" {
		ext := map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[ctype]
		name = "attachment" + ext
	}
	return name
}

// newCorrectionID is "r-" and 96 random bits in hex: unguessable, so that
// knowing one request's id tells nothing of another's.
func newCorrectionID() (string, error) {
	var b [12]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", fmt.Errorf("correction id: %w", err)
	}
	return "r-" + hex.EncodeToString(b[:]), nil
}

// contract is the source's contract entry as it was registered; it is
// shared (source.Stored) and must not be modified.
func contract(src store.SourceDef) (*source.Source, error) {
	def, err := source.Stored(src.ID, src.Definition)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	return def, nil
}

// canonicalValue reads value as the source's contract reads attr's column
// in an extract, through the contract's own decoder: it returns the value
// in canonical form, or as given with why it is invalid. Attributes the
// contract does not map are taken as they are.
func canonicalValue(def *source.Source, attr, value string) (canon, why string, err error) {
	i := slices.IndexFunc(def.Fields, func(f source.Field) bool { return f.Name == attr })
	if i < 0 {
		return value, "", nil
	}
	f := def.Fields[i]
	// The stored value is already canonical: dates are YYYY-MM-DD (the
	// default format), coded values already recoded (so no values:).
	one := &source.Source{Name: def.Name, Format: "ndjson", ID: []string{"id"}, Fields: []source.Field{{
		Name: attr, Columns: []string{"value"}, Type: f.Type, Allowed: f.Allowed}}}
	if one.Fields[0].Type == "" {
		one.Fields[0].Type = source.TypeString
	}
	row, err := json.Marshal(map[string]string{"id": "correction", "value": value})
	if err != nil {
		return "", "", err
	}
	dec, err := source.NewDecoder(one, bytes.NewReader(row), "correction")
	if err != nil {
		return "", "", fmt.Errorf("check %s value: %w", attr, err)
	}
	rec, rej, err := dec.Next()
	if err != nil {
		return "", "", fmt.Errorf("check %s value: %w", attr, err)
	}
	if rej != nil {
		return value, rej.Reason, nil
	}
	for _, is := range rec.Invalid {
		if is.Field == attr {
			return value, is.Reason, nil
		}
	}
	for _, a := range rec.Attrs {
		if a.Name == attr {
			return a.Value, "", nil
		}
	}
	return value, "", nil
}

// Of lists the requests a citizen filed, newest first.
func (c *Corrections) Of(ctx context.Context, subject string) ([]store.Correction, error) {
	return c.st.CorrectionsOf(ctx, subject)
}

// Get returns one request with its history, or a wrapped
// store.ErrNotFound.
func (c *Corrections) Get(ctx context.Context, id string) (store.Correction, []store.CorrectionEvent, error) {
	return c.st.Correction(ctx, id)
}

// Attachment returns the file filed with a request, or a wrapped
// store.ErrNotFound when there is none. Serve it with its Type, as an
// attachment (Content-Disposition), never inline from the site's origin.
func (c *Corrections) Attachment(ctx context.Context, id string) (Attachment, error) {
	name, ctype, data, err := c.st.CorrectionAttachment(ctx, id)
	if err != nil {
		return Attachment{}, err
	}
	return Attachment{Name: name, Type: ctype, Data: data}, nil
}

// List is an agency's work list: the requests f selects, the nearest
// deadline first, and how many there are in all.
func (c *Corrections) List(ctx context.Context, f store.CorrectionFilter) ([]store.Correction, int, error) {
	switch f.Status {
	case "", store.CorrectionOpen, store.CorrectionAccepted, store.CorrectionRejected:
	default:
		return nil, 0, inputError("status", "unknown status %q", f.Status)
	}
	return c.st.CorrectionList(ctx, f)
}

// Accept accepts an open request on behalf of by (the officer or agency
// deciding), with an optional note (at most 1000 characters): a new
// version of the record is stored, in an ingest run of its source, with
// the proposed value and the other values of the record's latest version;
// then the golden record of the record's entity is rebuilt. The version's
// raw row names the request, so its lineage shows; the attribute is
// flagged invalid when the source's contract now finds the value invalid.
//
// A request already decided fails with store.ErrCorrectionDecided; one
// whose record was deleted meanwhile with ErrRecordGone; a record that
// keeps changing under it with store.ErrRecordChanged. When the golden
// record cannot be rebuilt, the acceptance stays: Accept returns the
// accepted request and an error wrapping ErrGoldenNotRefreshed.
//
// The agency must fix the value in its own system too, within
// CorrectionOptions.ApplyDue: until one of its extracts holds the value,
// the acceptance's override (store.Override) keeps the value in the golden
// record, whatever the extracts say, and the agency's work list holds it
// (store.OverrideList); the citizen reads StateWaiting, then StateApplied.
// A later extract that still holds the old value is stored as a newer
// version, as every load is, so the record's history says what the agency
// sent.
func (c *Corrections) Accept(ctx context.Context, id, by, note string) (store.Correction, error) {
	by, err := checkText("by", by, 1, maxActor, false)
	if err != nil {
		return store.Correction{}, err
	}
	if note, err = checkText("note", note, 0, maxNote, true); err != nil {
		return store.Correction{}, err
	}
	var done store.Correction
	for attempt := 1; ; attempt++ {
		corr, _, err := c.st.Correction(ctx, id)
		if err != nil {
			return store.Correction{}, fmt.Errorf("accept: %w", err)
		}
		if corr.Status != store.CorrectionOpen {
			return store.Correction{}, fmt.Errorf("accept correction %s: %w (%s)", id, store.ErrCorrectionDecided, corr.Status)
		}
		v, err := c.correctedVersion(ctx, corr)
		if err != nil {
			return store.Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
		}
		applyBy := time.Now().UTC().Add(c.opts.ApplyDue).Truncate(time.Microsecond)
		done, err = c.st.AcceptCorrection(ctx, id, by, note, v, applyBy)
		if errors.Is(err, store.ErrRecordChanged) && attempt < 3 {
			continue // a load came in between: build on the new version
		}
		if err != nil {
			return store.Correction{}, err
		}
		break
	}
	ref := store.RecordRef{SourceID: done.SourceID, RecordID: done.RecordID}
	members, err := c.st.Membership(ctx, []store.RecordRef{ref})
	if err == nil && members[ref] != "" {
		err = golden.RefreshEntity(ctx, c.st, members[ref])
	}
	if err != nil {
		return done, fmt.Errorf("accept correction %s: %w: %w", id, ErrGoldenNotRefreshed, err)
	}
	return done, nil
}

// correctedVersion builds the record's next version: its latest version
// with the request's value.
func (c *Corrections) correctedVersion(ctx context.Context, corr store.Correction) (store.Version, error) {
	hist, err := c.st.History(ctx, corr.Source, corr.RecordID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Version{}, fmt.Errorf("record %s:%s: %w", corr.Source, corr.RecordID, ErrRecordGone)
	}
	if err != nil {
		return store.Version{}, err
	}
	last := hist[len(hist)-1]
	if last.Deleted {
		return store.Version{}, fmt.Errorf("record %s:%s was deleted: %w", corr.Source, corr.RecordID, ErrRecordGone)
	}
	src, err := c.st.Source(ctx, corr.Source)
	if err != nil {
		return store.Version{}, err
	}
	def, err := contract(src)
	if err != nil {
		return store.Version{}, err
	}
	attrs := map[string]string{}
	if err := json.Unmarshal(last.Attrs, &attrs); err != nil {
		return store.Version{}, fmt.Errorf("record %s:%s version %d: attrs: %w", corr.Source, corr.RecordID, last.Version, err)
	}
	invalid := map[string]string{}
	if len(last.Invalid) > 0 {
		if err := json.Unmarshal(last.Invalid, &invalid); err != nil {
			return store.Version{}, fmt.Errorf("record %s:%s version %d: invalid: %w", corr.Source, corr.RecordID, last.Version, err)
		}
	}
	value, why, err := canonicalValue(def, corr.Attr, corr.ProposedValue)
	if err != nil {
		return store.Version{}, err
	}
	attrs[corr.Attr] = value
	delete(invalid, corr.Attr)
	if why != "" {
		invalid[corr.Attr] = why
	}
	v := store.Version{RecordID: corr.RecordID, Version: last.Version + 1,
		ObservedAt: time.Now().UTC().Truncate(time.Microsecond)}
	if v.Attrs, err = marshalJSON(attrs); err != nil {
		return store.Version{}, err
	}
	if len(invalid) > 0 {
		if v.Invalid, err = marshalJSON(invalid); err != nil {
			return store.Version{}, err
		}
	}
	raw := struct {
		Correction string `json:"correction"`
		Attr       string `json:"attr"`
		Value      string `json:"value"`
		Corrects   int    `json:"corrects_version"`
	}{corr.ID, corr.Attr, value, last.Version}
	if v.Raw, err = marshalJSON(raw); err != nil {
		return store.Version{}, err
	}
	// Ingest hashes a row of the extract; this hash covers other input
	// (the request and the attributes), so no extract row has it.
	h := sha256.New()
	io.WriteString(h, "ortaq correction\x00"+corr.ID+"\x00")
	h.Write(v.Attrs)
	copy(v.Hash[:], h.Sum(nil))
	return v, nil
}

// marshalJSON encodes v as ingest writes JSON: without escaping <, > and &.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Reject rejects an open request on behalf of by, with a reason the
// citizen will read (1..1000 characters). A request already decided fails
// with store.ErrCorrectionDecided.
func (c *Corrections) Reject(ctx context.Context, id, by, reason string) (store.Correction, error) {
	by, err := checkText("by", by, 1, maxActor, false)
	if err != nil {
		return store.Correction{}, err
	}
	if reason, err = checkText("reason", reason, 1, maxNote, true); err != nil {
		return store.Correction{}, err
	}
	return c.st.RejectCorrection(ctx, id, by, reason)
}
