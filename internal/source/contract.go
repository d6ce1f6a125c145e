// Package source reads agency extracts: the sources contract (sources.yaml),
// the CSV and NDJSON readers, field mapping, normalisation and validation, and
// the ingest run that stores every row or quarantines it with a reason.
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
	Code  string
	Name  string
	Names map[string]string // language code (kk, ru, en) -> name
}

// Source is one information system and the layout of its extract.
type Source struct {
	Name       string
	Agency     string
	Title      string
	Entity     string // person, animal, event, organisation, other
	File       string // absolute path, or "" for push-only sources
	Format     string // "csv" or "ndjson"
	Delimiter  rune
	Encoding   string // "utf-8" or "windows-1251"
	Mode       string // "full", "delta", or "" (full for files, delta for pushes)
	ID         []string
	DateFormat string
	ObservedAt string    // column holding each row's observation time, or ""
	AsOf       time.Time // date of the whole extract, or zero
	Fields     []Field
	Line       int // line of the source's entry in the contract file
}

// Field maps one canonical attribute onto one or more columns.
type Field struct {
	Name       string
	Columns    []string
	Type       Type
	Values     map[string]string // lower-cased raw value -> canonical value
	Allowed    []string
	Required   bool
	DateFormat string // overrides Source.DateFormat when set
	Line       int
}

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
