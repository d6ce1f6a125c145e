package welfare

import (
	"errors"
	"testing"

	"github.com/ortaq/ortaq/internal/benefits"
)

// TestProgrammeChangeNotBackdated refuses a programme change whose file
// holds a version in force before the change's date, or rewrites a
// version already in force by its id: either would change decisions
// before the date the change is stored and announced with.
func TestProgrammeChangeNotBackdated(t *testing.T) {
	cat, err := benefits.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	version := func(id, from string) string {
		return `id: birth
versions:
  - id: ` + id + `
    from: ` + from + `
    law: {ref: "test"}
    eligible: "true"
    amount: round(dec('1'))
`
	}
	for _, tc := range []struct {
		name, file string
		ok         bool
	}{
		{"a new version from the change's date", version("birth/2027-01-01", "2027-01-01"), true},
		{"a new version after it", version("birth/2027-06-01", "2027-06-01"), true},
		{"a new version before it", version("birth/2026-01-01", "2026-01-01"), false},
		{"the version in force rewritten", version("birth/2024-01-01", "2027-01-01"), false},
		{"a version without a date", version("birth/x", "soon"), false},
	} {
		c := Change{Kind: ChangeProgramme, Name: "birth", From: "2027-01-01", Value: tc.file, LawRef: "test", Reason: "test"}
		_, _, _, err := c.file(cat)
		if tc.ok && err != nil || !tc.ok && !errors.Is(err, ErrChange) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
