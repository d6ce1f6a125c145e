package household

// Field is one attribute of one source that profiles read.
type Field struct {
	Source string `json:"source"`
	Attr   string `json:"attr"`
}

// FieldsRead returns every source attribute a profile reads, so that an
// incremental run knows which ingests can change a household: a change to
// any other attribute leaves every profile, and its Inputs, as it was.
// Identity attributes that entity resolution and golden records read
// (names, birth dates elsewhere) change profiles only through them.
func FieldsRead() []Field {
	var out []Field
	for _, s := range []struct {
		source string
		attrs  []string
	}{
		{SourcePopulation, []string{"national_id", "birth_date", "household_id", "household_role", "region"}},
		{SourceCivil, []string{"event", "event_date", "national_id", "birth_date", "mother_iin", "father_iin"}},
		{SourceTax, []string{"national_id", "birth_date", "region", "period", "income", "employer_bin"}},
		{SourceEducation, []string{"national_id", "birth_date", "region", "institution_type", "study_form", "enrolled_date"}},
		{SourceDisability, []string{"national_id", "birth_date", "region", "disability_group", "disability_cause",
			"disability_date", "disability_term"}},
		{SourceHealth, []string{"national_id", "birth_date", "region", "card_status"}},
		{SourceLivestock, []string{"owner_iin", "tag"}},
		// Read only for conflicts on birth dates and regions.
		{"social_benefits", []string{"national_id", "birth_date", "region"}},
	} {
		for _, a := range s.attrs {
			out = append(out, Field{Source: s.source, Attr: a})
		}
	}
	return out
}
