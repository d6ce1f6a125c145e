package welfare

import (
	"maps"
	"regexp"
	"slices"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/household"
)

// Situation fields, as Index and Changed name them. FieldPersons is the
// set of persons itself (someone joined, left, was born or died), which
// every programme reads through its counts.
const (
	FieldPersons      = "persons"
	FieldRegion       = "region"
	FieldRole         = "role"
	FieldBirthDate    = "birth_date"
	FieldCarer        = "carer"
	FieldInsured      = "insured"
	FieldStudent      = "student"
	FieldAvgIncome24m = "avg_income_24m"
	FieldIncome       = "income"
	FieldDisability   = "disability"
	FieldDate         = "date" // the decision date
)

// Index says which situation fields and parameters each programme reads:
// the index from data fields to the programmes that read them, with which
// an incremental run re-decides only the programmes a change affects.
//
// It is derived from the programmes' rule texts (every version): a person
// field read on any person (p.x, carer.x, x.x in a macro: any ".name" that
// is a person field counts, which can only over-include), the income()
// and table()/param() functions, and the region variable. A derived field counts as what it is computed
// from (age and order from birth dates; order from roles too). Every
// programme reads the persons and the date.
type Index struct {
	Fields map[string][]string // programme → situation fields, sorted
	Params map[string][]string // programme → parameters, sorted
}

var (
	rePerson = regexp.MustCompile(`\.([a-z_0-9]+)\b`)
	reParam  = regexp.MustCompile(`\b(?:param|table)\(\s*'([^']+)'`)
	reIncome = regexp.MustCompile(`\bincome\(`)
	reRegion = regexp.MustCompile(`\bregion\b`)
)

// personFieldOf maps the person fields rules read to situation fields.
var personFieldOf = map[string][]string{
	"role": {FieldRole}, "birth_date": {FieldBirthDate}, "age": {FieldBirthDate}, "order": {FieldBirthDate, FieldRole},
	"student": {FieldStudent}, "carer": {FieldCarer}, "insured": {FieldInsured}, "avg_income_24m": {FieldAvgIncome24m},
	"disabled": {FieldDisability}, "disability_group": {FieldDisability}, "disability_cause": {FieldDisability},
}

// NewIndex derives the index of cat's programmes.
func NewIndex(cat *benefits.Catalog) *Index {
	ix := &Index{Fields: map[string][]string{}, Params: map[string][]string{}}
	for _, p := range cat.Programmes {
		fields := map[string]bool{FieldPersons: true, FieldDate: true}
		params := map[string]bool{}
		for _, v := range p.Versions {
			var texts []string
			for _, st := range slices.Concat(v.Steps, v.Then) {
				texts = append(texts, st.Expr, st.Where, st.Amount)
			}
			texts = append(texts, v.Eligible, v.Amount)
			if v.Change != nil {
				texts = append(texts, v.Change.Expr)
			}
			for _, t := range texts {
				for _, m := range rePerson.FindAllStringSubmatch(t, -1) {
					for _, f := range personFieldOf[m[1]] {
						fields[f] = true
					}
				}
				for _, m := range reParam.FindAllStringSubmatch(t, -1) {
					params[m[1]] = true
				}
				if reIncome.MatchString(t) {
					fields[FieldIncome] = true
				}
				if reRegion.MatchString(t) {
					fields[FieldRegion] = true
				}
			}
		}
		ix.Fields[p.ID] = slices.Sorted(maps.Keys(fields))
		ix.Params[p.ID] = slices.Sorted(maps.Keys(params))
	}
	return ix
}

// Affected returns the programmes that read any of fields, in catalog
// order of the index's keys (sorted).
func (ix *Index) Affected(fields []string) []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(ix.Fields)) {
		for _, f := range fields {
			if slices.Contains(ix.Fields[p], f) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// Reading returns the programmes that read parameter name, sorted.
func (ix *Index) Reading(param string) []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(ix.Params)) {
		if slices.Contains(ix.Params[p], param) {
			out = append(out, p)
		}
	}
	return out
}

// SourceFields maps a source attribute profiles read
// (household.FieldsRead) to the situation fields it can change. Identity
// attributes (national ids, birth dates) can move a person between
// households and so change the persons; attributes read only for the
// well-being score or for conflicts change no situation field.
func SourceFields(f household.Field) []string {
	switch f.Attr {
	case "national_id", "owner_iin", "mother_iin", "father_iin":
		return []string{FieldPersons, FieldRole, FieldCarer}
	}
	switch f.Source {
	case household.SourcePopulation:
		switch f.Attr {
		case "birth_date":
			return []string{FieldBirthDate}
		case "household_id":
			return []string{FieldPersons}
		case "household_role":
			return []string{FieldRole}
		case "region":
			return []string{FieldRegion}
		}
	case household.SourceCivil:
		return []string{FieldPersons, FieldRole, FieldCarer, FieldBirthDate}
	case household.SourceTax:
		return []string{FieldIncome, FieldAvgIncome24m, FieldInsured}
	case household.SourceEducation:
		return []string{FieldStudent}
	case household.SourceDisability:
		return []string{FieldDisability}
	}
	return nil // health cards, livestock, regions of other sources: well-being and conflicts only
}

// Changed lists the situation fields in which b differs from a, sorted.
func Changed(a, b *benefits.Situation) []string {
	ch := map[string]bool{}
	if a.Date != b.Date {
		ch[FieldDate] = true
	}
	if a.Household.Region != b.Household.Region {
		ch[FieldRegion] = true
	}
	if len(a.Persons) != len(b.Persons) {
		ch[FieldPersons] = true
	}
	byID := make(map[string]*benefits.Person, len(a.Persons))
	for i := range a.Persons {
		byID[a.Persons[i].ID] = &a.Persons[i]
	}
	for i := range b.Persons {
		q := &b.Persons[i]
		p := byID[q.ID]
		if p == nil {
			ch[FieldPersons] = true
			continue
		}
		if i < len(a.Persons) && a.Persons[i].ID != q.ID {
			ch[FieldPersons] = true // the order counts: it breaks ties of children's order
		}
		set := func(f string, differ bool) {
			if differ {
				ch[f] = true
			}
		}
		set(FieldRole, p.Role != q.Role)
		set(FieldBirthDate, p.BirthDate != q.BirthDate)
		set(FieldCarer, p.Carer != q.Carer)
		set(FieldInsured, p.Insured != q.Insured)
		set(FieldStudent, p.Student != q.Student)
		set(FieldAvgIncome24m, p.AvgIncome24m.Cmp(q.AvgIncome24m) != 0)
		set(FieldDisability, (p.Disability == nil) != (q.Disability == nil) ||
			p.Disability != nil && *p.Disability != *q.Disability)
		set(FieldIncome, !sameIncome(p.Income, q.Income))
	}
	return slices.Sorted(maps.Keys(ch))
}

func sameIncome(a, b map[benefits.Month]benefits.Money) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}
