package wallet

import (
	"context"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// What a citizen reads of a correction request. An accepted request is
// not "fixed" while the agency's own system still holds the old value:
// ortaq shows the corrected value meanwhile, but the citizen is told it
// waits for the agency, and only once a version the agency sent holds the
// value is it applied.
const (
	StateOpen       = "open"       // being reviewed
	StateRejected   = "rejected"   // refused, with a reason
	StateWaiting    = "waiting"    // accepted; waiting for the agency's system
	StateApplied    = "applied"    // the agency's system holds the value
	StateSuperseded = "superseded" // accepted, then replaced by a later accepted request
)

// CorrectionState returns the state of a request a citizen reads, a
// State* constant; its text is Messages[StateKey(state)]. An accepted
// request without an override (none is made before it is accepted) waits,
// so that no request reads as applied that the agency has not applied.
func CorrectionState(c store.Correction) string {
	switch c.Status {
	case store.CorrectionOpen:
		return StateOpen
	case store.CorrectionRejected:
		return StateRejected
	}
	switch c.Override {
	case store.OverrideRetired:
		return StateApplied
	case store.OverrideSuperseded:
		return StateSuperseded
	}
	return StateWaiting
}

// StateKey is the message key of a state's short text, a badge: also the
// key of the event status of the same name ("correction.status." + status),
// so that one template reads both.
func StateKey(state string) string { return "correction.status." + state }

// StateNote returns the message key of the sentence that explains the
// request's state, with the date it names (format it in the reader's
// language), or "" when the badge says enough.
func StateNote(c store.Correction) (key string, at time.Time) {
	switch CorrectionState(c) {
	case StateWaiting:
		return "correction.note.waiting", c.ApplyBy
	case StateApplied:
		return "correction.note.applied", c.OverrideEndedAt
	}
	return "", time.Time{}
}

// Unapplied is an agency's work list of requests it accepted but has not
// yet applied in its own system ("accepted correction not yet applied in
// your system", Messages["correction.unapplied"]): the nearest deadline
// (Override.DueAt) first, one page, and how many f selects in all. An item
// leaves the list by itself once a golden build sees the agency's data
// hold the value.
func (c *Corrections) Unapplied(ctx context.Context, f store.OverrideFilter) ([]store.Override, int, error) {
	switch f.Status {
	case "", store.OverrideActive, store.OverrideRetired, store.OverrideSuperseded:
	default:
		return nil, 0, inputError("status", "unknown status %q", f.Status)
	}
	return c.st.OverrideList(ctx, f)
}
