package golden

import (
	"encoding/json"
	"fmt"
	"time"
)

// storedDoc is how a Doc is kept in the store: each value names the member
// record it came from by index instead of repeating that record's source,
// agency, id, version and observation date. A nation has millions of golden
// records of a dozen values each, and the repeated provenance made up most
// of what a quality run wrote.
type storedDoc struct {
	EntityID  string             `json:"e"`
	Kind      string             `json:"k"`
	Members   []storedMember     `json:"m"`
	Values    []storedField      `json:"f"`
	Conflicts map[string][]Value `json:"c,omitempty"`
	Household string             `json:"h,omitempty"`
	Relations []Relation         `json:"r,omitempty"`
	Owner     string             `json:"o,omitempty"`
}

type storedMember struct {
	Source   string    `json:"s"`
	Agency   string    `json:"a"`
	RecordID string    `json:"i"`
	Version  int       `json:"v"`
	Observed time.Time `json:"t"`
}

// storedField is one value; From is the index of its member record, or -1
// with the whole provenance in Own for a value from outside the members (a
// death date from the civil registry).
type storedField struct {
	Attr    string `json:"n"`
	Value   string `json:"v"`
	From    int    `json:"m"`
	Trust   int    `json:"t"`
	Invalid string `json:"x,omitempty"`
	Own     *Value `json:"p,omitempty"`
}

// Encode returns the compact form the store keeps; DecodeDoc reads it back.
func (d *Doc) Encode() ([]byte, error) {
	s := storedDoc{EntityID: d.EntityID, Kind: d.Kind, Conflicts: d.Conflicts, Household: d.Household,
		Relations: d.Relations, Owner: d.Owner, Members: make([]storedMember, len(d.Members)),
		Values: make([]storedField, len(d.Values))}
	index := make(map[[2]string]int, len(d.Members))
	for i, m := range d.Members {
		s.Members[i] = storedMember{Source: m.Source, Agency: m.Agency, RecordID: m.RecordID, Version: m.Version,
			Observed: m.Observed}
		index[[2]string{m.Source, m.RecordID}] = i
	}
	for i, f := range d.Values {
		sf := storedField{Attr: f.Attr, Value: f.Value.Value, Trust: f.Trust, Invalid: f.Invalid, From: -1}
		if j, ok := index[[2]string{f.Source, f.RecordID}]; ok && f.Correction == "" && s.Members[j].Version == f.Version &&
			s.Members[j].Observed.Equal(f.Observed) && s.Members[j].Agency == f.Agency {
			sf.From = j
		} else {
			own := f.Value
			sf.Own = &own
		}
		s.Values[i] = sf
	}
	return json.Marshal(s)
}

// DecodeDoc reads a golden record as Doc.Encode wrote it.
func DecodeDoc(b []byte) (Doc, error) {
	var s storedDoc
	if err := json.Unmarshal(b, &s); err != nil {
		return Doc{}, fmt.Errorf("golden record: %w", err)
	}
	d := Doc{EntityID: s.EntityID, Kind: s.Kind, Conflicts: s.Conflicts, Household: s.Household,
		Relations: s.Relations, Owner: s.Owner, Members: make([]MemberRef, len(s.Members)), Values: make([]Field, len(s.Values))}
	for i, m := range s.Members {
		d.Members[i] = MemberRef{Source: m.Source, Agency: m.Agency, RecordID: m.RecordID, Version: m.Version, Observed: m.Observed}
	}
	for i, f := range s.Values {
		var v Value
		switch {
		case f.Own != nil:
			v = *f.Own
		case f.From >= 0 && f.From < len(s.Members):
			m := s.Members[f.From]
			v = Value{Source: m.Source, Agency: m.Agency, RecordID: m.RecordID, Version: m.Version, Observed: m.Observed,
				Trust: f.Trust, Invalid: f.Invalid}
		default:
			return Doc{}, fmt.Errorf("golden record %s: value %s names member %d of %d", s.EntityID, f.Attr, f.From, len(s.Members))
		}
		v.Value = f.Value
		d.Values[i] = Field{Attr: f.Attr, Value: v}
	}
	return d, nil
}
