package wallet

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/sheet"
	"github.com/ortaq/ortaq/internal/store"
)

// Export is everything the wallet shows a citizen, as one document they
// can take elsewhere (the right to data portability).
type Export struct {
	IIN         string             `json:"iin"`
	ExportedAt  time.Time          `json:"exported_at"`
	Golden      *golden.Doc        `json:"golden_record,omitempty"`
	Records     []ExportRecord     `json:"records"`
	Household   []ExportPerson     `json:"household"`
	Family      []Relative         `json:"family"`
	Animals     []ExportAnimal     `json:"animals"`
	Consents    []consent.Artefact `json:"consents"`
	Corrections []ExportCorrection `json:"corrections"`
	Accesses    []ExportAccess     `json:"accesses"`
}

// ExportRecord is one record an agency holds about the citizen.
type ExportRecord struct {
	Source     string            `json:"source"`
	Agency     string            `json:"agency"`
	RecordID   string            `json:"record_id"`
	Version    int               `json:"version"`
	ObservedAt time.Time         `json:"observed_at"`
	LoadedAt   time.Time         `json:"loaded_at"`
	Values     map[string]string `json:"values"`
	Invalid    map[string]string `json:"invalid,omitempty"`
}

// ExportPerson is another member of the household.
type ExportPerson struct {
	EntityID  string `json:"entity_id"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date,omitempty"`
}

// ExportAnimal is an animal the citizen owns.
type ExportAnimal struct {
	EntityID string            `json:"entity_id"`
	Values   map[string]string `json:"values"`
}

// ExportCorrection is a correction request and its outcome.
type ExportCorrection struct {
	ID            string `json:"id"`
	Source        string `json:"source"`
	RecordID      string `json:"record_id"`
	Attr          string `json:"attribute"`
	CurrentValue  string `json:"current_value"`
	ProposedValue string `json:"proposed_value"`
	Explanation   string `json:"explanation"`
	Status        string `json:"status"`
	// State is what became of it as the citizen reads it (a State*
	// constant): an accepted request waits until the agency's own system
	// holds the value.
	State        string    `json:"state"`
	FiledAt      time.Time `json:"filed_at"`
	DueAt        time.Time `json:"due_at"`
	DecisionNote string    `json:"decision_note,omitempty"`
	NewVersion   int       `json:"new_version,omitempty"`
}

// ExportAccess is one decision about a query for the citizen's data.
type ExportAccess struct {
	Index      uint64    `json:"audit_index"`
	Time       time.Time `json:"time"`
	Member     string    `json:"member"`
	Subsystem  string    `json:"subsystem"`
	Service    string    `json:"service"`
	Subject    string    `json:"subject"`
	Fields     []string  `json:"fields"`
	Purpose    string    `json:"purpose"`
	LegalBasis string    `json:"legal_basis"`
	Case       string    `json:"case_reference"`
	Decision   string    `json:"decision"`
}

// NewExport assembles the export. sourceAgency names each source's agency.
func NewExport(iin string, now time.Time, p *Profile, sourceName func(id int64) (name, agency string),
	consents []consent.Signed, corrections []store.Correction, accesses []Access) *Export {
	e := &Export{IIN: iin, ExportedAt: now.UTC(), Records: []ExportRecord{}, Household: []ExportPerson{},
		Family: []Relative{}, Animals: []ExportAnimal{}, Consents: []consent.Artefact{}, Corrections: []ExportCorrection{},
		Accesses: []ExportAccess{}}
	if p != nil {
		e.Golden = &p.Doc
		for _, r := range p.Records {
			name, agency := sourceName(r.SourceID)
			e.Records = append(e.Records, ExportRecord{Source: name, Agency: agency, RecordID: r.RecordID,
				Version: r.Version, ObservedAt: r.ObservedAt, LoadedAt: r.LoadedAt, Values: r.Attrs, Invalid: r.Invalid})
		}
		for _, g := range p.Household {
			e.Household = append(e.Household, ExportPerson{EntityID: g.EntityID, Name: g.Name, BirthDate: g.BirthDate})
		}
		e.Family = append(e.Family, p.Family...)
		for _, a := range p.Animals {
			values := map[string]string{}
			if doc, err := golden.DecodeDoc(a.Doc); err == nil {
				for _, f := range doc.Values {
					values[f.Attr] = f.Value.Value
				}
			}
			e.Animals = append(e.Animals, ExportAnimal{EntityID: a.EntityID, Values: values})
		}
	}
	for _, c := range consents {
		e.Consents = append(e.Consents, c.Artefact)
	}
	for _, c := range corrections {
		e.Corrections = append(e.Corrections, ExportCorrection{ID: c.ID, Source: c.Source, RecordID: c.RecordID,
			Attr: c.Attr, CurrentValue: c.CurrentValue, ProposedValue: c.ProposedValue, Explanation: c.Explanation,
			Status: c.Status, State: CorrectionState(c), FiledAt: c.FiledAt, DueAt: c.DueAt, DecisionNote: c.DecisionNote, NewVersion: c.NewVersion})
	}
	for _, a := range accesses {
		e.Accesses = append(e.Accesses, ExportAccess{Index: a.Index, Time: a.Time, Member: a.Member, Subsystem: a.Subsystem,
			Service: a.Service, Subject: a.Subject, Fields: a.Fields, Purpose: a.Purpose, LegalBasis: a.LegalBasis,
			Case: a.RequestID, Decision: a.Decision})
	}
	return e
}

// Words name, in one language, what a person reads in the CSV export:
// its columns, sections, agencies, sources, fields and coded values. The
// web layer gives them from its catalogue and the sources' labels.
type Words interface {
	// Header is the columns: section, agency, source, record, version,
	// observed, field, value.
	Header() []string
	// Section names "golden", "record", "household", "family" or "animal".
	Section(section string) string
	Agency(code string) string
	Source(name string) string
	// Field names an attribute of a source's records; source is "" for
	// the golden record's, household's, family's and animals' values.
	Field(source, attr string) string
	// Value shows a coded value (sex F, species, card status) as a word.
	Value(source, attr, value string) string
	// Relation names a family tie: mother, father, child, spouse.
	Relation(kind string) string
}

// WriteCSV writes the export for a spreadsheet, in the words of one
// language, as one table of values, a row per value: the golden record's,
// then each agency record's, the household, family and animals. Consents,
// corrections and accesses keep their own shape and are in the JSON
// export, which also keeps every code as it is stored.
func (e *Export) WriteCSV(w io.Writer, words Words) error {
	sw, err := sheet.NewWriter(w)
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	row := func(cells ...string) {
		if err == nil {
			err = sw.Write(cells)
		}
	}
	row(words.Header()...)
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	}
	if e.Golden != nil {
		for _, f := range e.Golden.Values {
			row(words.Section("golden"), words.Agency(f.Agency), words.Source(f.Source), f.RecordID, strconv.Itoa(f.Version),
				day(f.Observed), words.Field(f.Source, f.Attr), words.Value(f.Source, f.Attr, f.Value.Value))
		}
	}
	for _, r := range e.Records {
		for _, a := range slices.Sorted(maps.Keys(r.Values)) {
			row(words.Section("record"), words.Agency(r.Agency), words.Source(r.Source), r.RecordID, strconv.Itoa(r.Version),
				day(r.ObservedAt), words.Field(r.Source, a), words.Value(r.Source, a, r.Values[a]))
		}
	}
	for _, p := range e.Household {
		row(words.Section("household"), "", "", "", "", "", words.Field("", "full_name"), p.Name)
	}
	for _, f := range e.Family {
		row(words.Section("family"), "", "", "", "", "", words.Relation(f.Kind), f.Name)
	}
	for _, a := range e.Animals {
		for _, k := range slices.Sorted(maps.Keys(a.Values)) {
			row(words.Section("animal"), "", "", "", "", "", words.Field("", k), words.Value("", k, a.Values[k]))
		}
	}
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}
