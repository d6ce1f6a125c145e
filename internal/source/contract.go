// Package source reads agency extracts: the sources contract (sources.yaml)
// with its labels, the CSV and NDJSON readers, field mapping, normalisation
// and validation. It never touches the store: package ingest stores what it
// reads.
package source

import "time"

// Contract is a parsed sources.yaml. See docs/sources.md for the format.
type Contract struct {
	// Path is the file the contract was read from; relative source files are
	// resolved against its directory.
	Path     string
	Agencies []Agency
	Sources  []*Source
}

// Agency is a state body that owns information systems.
type Agency struct {
	Code  string            `json:"code"`
	Name  string            `json:"name"`
	Names map[string]string `json:"names,omitempty"` // language code (kk, ru, en) -> name
}

// Source is one information system and the layout of its extract.
type Source struct {
	Name        string    `json:"name"`
	Agency      string    `json:"agency"`
	Title       string    `json:"title,omitempty"`       // the plain title, or the English (else Russian, else Kazakh) one of Titles
	Titles      Text      `json:"titles,omitempty"`      // title per language, when the contract gives them
	Description Text      `json:"description,omitempty"` // what the source holds, per language ("" for a plain string)
	Entity      string    `json:"entity"`                // person, animal, event, organisation, other
	File        string    `json:"file,omitempty"`        // absolute path, or "" for push-only sources
	Format      string    `json:"format"`                // "csv" or "ndjson"
	Delimiter   rune      `json:"delimiter,omitempty"`   // a character code; 0 means ','
	Encoding    string    `json:"encoding,omitempty"`    // "utf-8" or "windows-1251"
	Mode        string    `json:"mode,omitempty"`        // "full", "delta", or "" (full for files, delta for pushes)
	ID          []string  `json:"id"`
	DateFormat  string    `json:"date_format,omitempty"`
	ObservedAt  string    `json:"observed_at,omitempty"` // column holding each row's observation time, or ""
	AsOf        time.Time `json:"as_of,omitzero"`        // date of the whole extract, or zero
	Missing     []string  `json:"missing,omitempty"`     // markers meaning "no value" in every field (NA, NULL); see Field.Missing
	Trust       int       `json:"trust,omitempty"`       // 1..100: how far golden records believe its values; 0 means DefaultTrust
	Fields      []Field   `json:"fields"`
	Line        int       `json:"line,omitempty"` // line of the source's entry in the contract file
}

// Load modes (Source.Mode): a full extract holds every live record, so records
// absent from it are deleted; a delta holds only what changed.
const (
	ModeFull  = "full"
	ModeDelta = "delta"
)

// DefaultTrust is the trust of a source that declares none: golden records
// prefer a value from a source trusted more, then the most recent one.
const DefaultTrust = 50

// TrustIn is how far golden records believe the source's value of attr.
func (s *Source) TrustIn(attr string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == attr && s.Fields[i].Trust > 0 {
			return s.Fields[i].Trust
		}
	}
	if s.Trust > 0 {
		return s.Trust
	}
	return DefaultTrust
}

// Field maps one canonical attribute onto one or more columns.
//
// Missing markers: a column whose trimmed value equals one of the source's or
// the field's markers, ignoring case, is empty. It is absent, not invalid, and
// does not satisfy Required. Each column of a multi-column field is checked
// before the columns are joined. The content hash still covers the raw
// columns, so declaring a marker does not make every record a new version.
type Field struct {
	Name       string            `json:"name"`
	Columns    []string          `json:"columns"`
	Type       Type              `json:"type"`
	Values     map[string]string `json:"values,omitempty"` // lower-cased raw value -> canonical value
	Allowed    []string          `json:"allowed,omitempty"`
	Required   bool              `json:"required,omitempty"`
	DateFormat string            `json:"date_format,omitempty"` // overrides Source.DateFormat when set
	Missing    []string          `json:"missing,omitempty"`     // markers added to Source.Missing for this field
	Match      string            `json:"match,omitempty"`       // how entity resolution compares it: a Match constant
	Trust      int               `json:"trust,omitempty"`       // overrides Source.Trust for this attribute when set
	Label      Text              `json:"label,omitempty"`       // how readers see the attribute, per language; see FieldLabel
	// ValueLabels name the field's canonical values (after Values) per
	// language: value -> label. See ValueLabel.
	ValueLabels map[string]Text `json:"value_labels,omitempty"`
	Line        int             `json:"line,omitempty"`
}

// How entity resolution compares an attribute (Field.Match); see
// docs/sources.md.
const (
	// MatchAuto gives canonical attributes their built-in comparison and
	// leaves extra attributes uncompared.
	MatchAuto = ""
	// MatchID compares an identifier: equal, or one edit apart.
	MatchID = "id"
	// MatchText compares free text: equal, or close by Jaro–Winkler.
	MatchText = "text"
	// MatchExact counts only equality.
	MatchExact = "exact"
	// MatchNone never compares the attribute, canonical or not.
	MatchNone = "none"
)

// Type decides how a field is normalised and validated.
type Type string

// Field types; see docs/sources.md.
const (
	TypeString Type = "string"
	TypeIIN    Type = "iin"
	TypeBIN    Type = "bin"
	TypeDate   Type = "date"
	TypeSex    Type = "sex"
	TypeInt    Type = "int"
	TypeNumber Type = "number"
	TypeEmail  Type = "email"
)

// Entity kinds a source may hold.
const (
	EntityPerson       = "person"
	EntityAnimal       = "animal"
	EntityEvent        = "event"
	EntityOrganisation = "organisation"
	EntityOther        = "other"
)
