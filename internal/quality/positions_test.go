package quality

import (
	"slices"
	"testing"
)

// TestPositions: every count comes back, a record counted twice twice,
// whatever the positions' spread.
func TestPositions(t *testing.T) {
	tests := []struct {
		name  string
		added []int
		want  []int
	}{
		{"none", nil, nil},
		{"first", []int{0}, []int{0}},
		{"word edges", []int{63, 64, 0, 127, 128}, []int{0, 63, 64, 127, 128}},
		{"counted again", []int{5, 5, 700, 5}, []int{5, 700, 5, 5}},
		{"far apart", []int{1_000_003, 2}, []int{2, 1_000_003}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Positions
			for _, i := range tt.added {
				p.add(i)
			}
			if got := slices.Collect(p.All()); !slices.Equal(got, tt.want) {
				t.Errorf("All = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDues: every record listed comes back with its day; a day that is
// no date comes back as one already past, so that the next run redoes it.
func TestDues(t *testing.T) {
	var d Dues
	for _, x := range []struct {
		pos int
		day string
	}{{3, "2027-02-28"}, {0, "1950-12-31"}, {9, "2028-02-29"}, {4, "31.12.2027"}} {
		d.add(x.pos, x.day)
	}
	type listed struct {
		pos int
		day string
	}
	var got []listed
	for pos, day := range d.All() {
		got = append(got, listed{pos, day})
	}
	want := []listed{{3, "2027-02-28"}, {0, "1950-12-31"}, {9, "2028-02-29"}, {4, "1970-01-01"}}
	if !slices.Equal(got, want) {
		t.Errorf("All = %v, want %v", got, want)
	}
	var none *Dues
	for range none.All() {
		t.Error("a nil Dues yielded a record")
	}
	var nobody *Positions
	for range nobody.All() {
		t.Error("a nil Positions yielded a record")
	}
}
