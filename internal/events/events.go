// Package events names ortaq's change events and carries them inside one
// process. A store transaction that changes records, entities or golden
// records writes its events into the store's outbox in the same
// transaction (see store.Event and docs/events.md); a relay (package
// outbox) later hands them, in outbox order, to a Publisher: the
// in-process Bus of this package by default, or NATS JetStream (package
// stream). Events are coarse: one per ingest run, and one per chunk of at
// most ChunkIDs entity ids, never one per record.
//
// Contract: delivery is at least once. A consumer MUST be idempotent; the
// event's Seq is unique and increasing in the store's outbox, so a consumer
// that remembers the highest Seq it handled can drop repeats.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Version is the version of the payloads this package writes, carried in
// every payload's "v". A change that breaks a consumer gets a new version;
// adding a field does not.
const Version = 1

// Subject prefixes. A subject is the prefix followed by one token: the
// source of a run, or the kind of the entities ("all" when an event covers
// every kind, as a full rebuild of the golden records does).
const (
	SubjectPrefix  = "ortaq.events."
	RecordsStored  = SubjectPrefix + "records.stored."
	EntitiesChange = SubjectPrefix + "entities.changed."
	GoldenChange   = SubjectPrefix + "golden.changed."
	// AllKinds is the subject token of an event about every kind.
	AllKinds = "all"
)

// ChunkIDs is how many entity ids one event carries at most: about 12 KB
// of JSON, far under NATS' default 1 MB message limit.
const ChunkIDs = 1000

// Event is one change event. Seq is assigned by the store's outbox when the
// event is written (0 before); At is when it was written.
type Event struct {
	Seq     int64
	Subject string
	Payload json.RawMessage
	At      time.Time
}

// Stored is the payload of a records.stored event: one committed ingest
// run of one source, file or push. The run's versions are read from the
// store by run id.
type Stored struct {
	V           int    `json:"v"`
	Source      string `json:"source"`
	Run         int64  `json:"run"`
	Mode        string `json:"mode"`
	File        string `json:"file"`
	Push        string `json:"push,omitempty"` // the push's id, for a run from the push queue
	Rows        int    `json:"rows"`
	Stored      int    `json:"stored"`
	Unchanged   int    `json:"unchanged"`
	Quarantined int    `json:"quarantined"`
	Deleted     int    `json:"deleted"`
	Flagged     int    `json:"flagged"`
	Live        int    `json:"live"`
}

// Changed is the payload of an entities.changed or golden.changed event:
// the entities one resolve run or golden build touched, in chunks. All
// means every entity of the kind (every kind, for kind "all") may have
// changed and IDs is empty: a full run, after which consumers re-read
// what they keep. Part counts from 1 to Parts within one Run.
type Changed struct {
	V     int      `json:"v"`
	Kind  string   `json:"kind"`
	Run   int64    `json:"run,omitempty"` // the resolve run; 0 for golden builds
	Mode  string   `json:"mode,omitempty"`
	All   bool     `json:"all,omitempty"`
	Part  int      `json:"part"`
	Parts int      `json:"parts"`
	IDs   []string `json:"ids,omitempty"`
}

// NewStored returns the records.stored event of a run.
func NewStored(p Stored) Event {
	p.V = Version
	return Event{Subject: RecordsStored + Token(p.Source), Payload: mustJSON(p)}
}

// NewChanged returns the events of the entities (or, with golden, golden
// records) of kind that changed: ids sorted and deduplicated in place, in
// chunks of ChunkIDs; one event with All set when all is true; none when
// nothing changed.
func NewChanged(prefix, kind string, run int64, mode string, all bool, ids []string) []Event {
	subject := prefix + Token(kind)
	if all {
		return []Event{{Subject: subject, Payload: mustJSON(Changed{V: Version, Kind: kind, Run: run, Mode: mode, All: true, Part: 1, Parts: 1})}}
	}
	ids = sortedUnique(ids)
	parts := (len(ids) + ChunkIDs - 1) / ChunkIDs
	out := make([]Event, 0, parts)
	for i := 0; i < len(ids); i += ChunkIDs {
		c := Changed{V: Version, Kind: kind, Run: run, Mode: mode, Part: i/ChunkIDs + 1, Parts: parts, IDs: ids[i:min(i+ChunkIDs, len(ids))]}
		out = append(out, Event{Subject: subject, Payload: mustJSON(c)})
	}
	return out
}

// Token makes s one subject token: NATS splits subjects at '.', and '*',
// '>' and white space are reserved, so those become '_'. Source names and
// kinds are already plain ([a-z0-9_-]); this only guards against surprises.
func Token(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '.' || r == '*' || r == '>' || r <= ' ' || r == 0x7f:
			return '_'
		}
		return r
	}, s)
}

// mustJSON encodes v, whose types here cannot fail to encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("events: encode %T: %v", v, err)) // unreachable: plain structs
	}
	return b
}

// Publisher delivers events. Publish gets them in outbox order and returns
// once every one is delivered (for JetStream: stored by the stream), or
// with an error, after which the relay offers them again: a Publisher MUST
// tolerate being given an event twice.
type Publisher interface {
	Publish(ctx context.Context, evs []Event) error
}
