package golden

import (
	"fmt"
	"maps"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
)

// TestRecordAttrs: a record keeps every non-empty attribute it was added
// with, whatever attributes the source's other records have.
func TestRecordAttrs(t *testing.T) {
	var s Source
	// A wide extract: more attributes than one byte counts.
	wide := map[string]string{}
	for i := range 300 {
		wide[fmt.Sprintf("column_%03d", i)] = strings.Repeat("x", i%7)
	}
	// Values longer than one byte of length says.
	wide["column_006"] = strings.Repeat("ә", 200)
	wide["column_100"] = strings.Repeat("y", 70000)
	added := []map[string]string{
		{"last_name": "Ахметов", "first_name": "Нурсултан", "phone": ""},
		{"birth_date": "1990-01-02", "last_name": "O\"Brien"},
		{},
		{"phone": "+77010000000", "first_name": "", "region": "Алматы"},
		wide,
		{"last_name": "", "first_name": "Ә", "column_299": "last"},
	}
	for i, attrs := range added {
		s.Add(store.LiveRecord{RecordRef: store.RecordRef{RecordID: fmt.Sprint(i)}, Attrs: attrs})
	}
	for i, attrs := range added {
		want := map[string]string{}
		for k, v := range attrs {
			if v != "" {
				want[k] = v
			}
		}
		got := maps.Collect(s.Records[i].Attrs.All())
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("record %d: All (-want +got):\n%s", i, diff)
		}
		for _, name := range []string{"last_name", "first_name", "phone", "birth_date", "region", "column_006", "column_100", "column_299", "unknown"} {
			if got := s.Records[i].Attrs.Get(name); got != want[name] {
				t.Errorf("record %d: Get(%s) = %q, want %q", i, name, got, want[name])
			}
		}
	}
	if got := (Attrs{}).Get("last_name"); got != "" {
		t.Errorf("zero Attrs: Get = %q", got)
	}
}

// TestRecordFields: a record gives back the version, line and observation
// time it was added with, at the store's precision, and no observation
// time as the zero time.
func TestRecordFields(t *testing.T) {
	observed := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
	var s Source
	s.Add(store.LiveRecord{Version: 7, Line: 2_000_000_000, ObservedAt: observed})
	s.Add(store.LiveRecord{Version: 1, Line: 1})
	r := s.Records[0]
	if r.Version != 7 || r.Line != 2_000_000_000 || !r.ObservedAt().Equal(observed) {
		t.Errorf("record = version %d, line %d, observed %s; want 7, 2000000000, %s", r.Version, r.Line, r.ObservedAt(), observed)
	}
	if got := s.Records[1].ObservedAt(); !got.IsZero() {
		t.Errorf("record observed at no time: ObservedAt = %s, want the zero time", got)
	}
}

// BenchmarkSourceAdd measures what a source keeps of each record a full
// quality run adds: a nation's records are held at once, so bytes a
// record bound the run's memory.
func BenchmarkSourceAdd(b *testing.B) {
	const n = 100000
	// Each record's values are strings of their own, as the store decodes
	// them, and the caller drops its map after Add: what stays allocated
	// is what the source keeps.
	record := func(i int) store.LiveRecord {
		return store.LiveRecord{RecordRef: store.RecordRef{RecordID: fmt.Sprintf("DM%09d", i)}, EntityID: fmt.Sprintf("P%09d", i),
			Attrs: map[string]string{
				"national_id": fmt.Sprintf("%012d", 670815307115+i), "last_name": string([]byte("Максимов")),
				"first_name": string([]byte("Игорь")), "middle_name": string([]byte("Андреевич")),
				"birth_date": fmt.Sprintf("1967-08-%02d", i%28+1), "sex": string([]byte("M")),
				"region": string([]byte("Карагандинская область")), "locality": string([]byte("Балхаш")),
				"address": fmt.Sprintf("ул. Садовая %d", i%300), "postcode": fmt.Sprintf("%06d", 100000+i%1000),
				"phone": fmt.Sprintf("+7700%07d", i), "household_id": fmt.Sprintf("H%09d", i/4),
			}}
	}
	var kept float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var s Source
		for i := range n {
			s.Add(record(i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
		runtime.KeepAlive(&s)
	}
	b.ReportMetric(kept, "B/record")
}
