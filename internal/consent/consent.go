// Package consent keeps the consents citizens give data consumers: who may
// use which of their data, for what purpose, from when until when, once or
// periodically, and how long the consumer may keep it. Every change to a
// consent (granted, paused, resumed, revoked, used once) appends a new
// version signed as a C2SP signed note, so that its whole history stays
// and each version can be checked by its holder. The exchange asks Allows
// on every query whose legal basis needs consent, so a change takes effect
// on the very next query.
package consent

import (
	"fmt"
	"slices"
	"time"
)

// Statuses a consent has. A stored ACTIVE or PAUSED consent whose period
// has ended is EXPIRED.
const (
	Active  = "ACTIVE"
	Paused  = "PAUSED"
	Revoked = "REVOKED"
	Expired = "EXPIRED"
)

// Frequencies of use: a one-off consent allows one query and then expires.
const (
	OneOff   = "one_off"
	Periodic = "periodic"
)

// Artefact is one version of a consent.
type Artefact struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	// Subject is the citizen's IIN.
	Subject string `json:"subject"`
	// Member and Subsystem are the data consumer; an empty Subsystem
	// means any of the member's systems.
	Member    string `json:"member"`
	Subsystem string `json:"subsystem,omitempty"`
	Purpose   string `json:"purpose"`
	// Services the consent covers; empty means every service.
	Services []string `json:"services,omitempty"`
	// Fields the consumer may receive; empty means what the legal basis
	// allows.
	Fields        []string  `json:"fields,omitempty"`
	ValidFrom     time.Time `json:"valid_from"`
	ValidUntil    time.Time `json:"valid_until"`
	Frequency     string    `json:"frequency"`
	RetentionDays int       `json:"retention_days"`
	Status        string    `json:"status"`
	ChangedAt     time.Time `json:"changed_at"`
	// ChangedBy says who made this version: "subject", an official, or
	// "exchange" for a one-off use.
	ChangedBy string `json:"changed_by"`
	Reason    string `json:"reason,omitempty"`
}

// Signed is a stored version with its canonical body and signed note.
type Signed struct {
	Artefact
	Body string `json:"body"`
	Note string `json:"note"`
}

// StatusAt is the consent's status at t: its stored status, or EXPIRED
// once its period is over.
func (a *Artefact) StatusAt(t time.Time) string {
	if (a.Status == Active || a.Status == Paused) && !t.Before(a.ValidUntil) {
		return Expired
	}
	return a.Status
}

// covers reports whether the consent lets member's subsystem use service
// for purpose at t.
func (a *Artefact) covers(member, subsystem, service, purpose string, t time.Time) bool {
	return a.StatusAt(t) == Active && !t.Before(a.ValidFrom) && a.Member == member &&
		(a.Subsystem == "" || a.Subsystem == subsystem) && a.Purpose == purpose &&
		(len(a.Services) == 0 || slices.Contains(a.Services, service))
}

// check validates a new consent.
func (a *Artefact) check() error {
	switch {
	case a.Subject == "":
		return fmt.Errorf("consent: no subject")
	case a.Member == "":
		return fmt.Errorf("consent: no data consumer (member)")
	case a.Purpose == "":
		return fmt.Errorf("consent: no purpose")
	case a.Frequency != OneOff && a.Frequency != Periodic:
		return fmt.Errorf("consent: frequency %q: want %s or %s", a.Frequency, OneOff, Periodic)
	case !a.ValidUntil.After(a.ValidFrom):
		return fmt.Errorf("consent: valid until %s is not after valid from %s", a.ValidUntil.Format(time.DateOnly),
			a.ValidFrom.Format(time.DateOnly))
	case a.RetentionDays < 0:
		return fmt.Errorf("consent: negative retention")
	}
	return nil
}

// transitions lists the statuses each status may change to by hand.
var transitions = map[string][]string{
	Active: {Paused, Revoked},
	Paused: {Active, Revoked},
}
