package source_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/ortaq/ortaq/internal/source"
)

func TestStored(t *testing.T) {
	v1, _ := json.Marshal(&source.Source{Name: "cards", Format: "csv", ID: []string{"card"}})
	v2, _ := json.Marshal(&source.Source{Name: "cards", Format: "ndjson", ID: []string{"card"}})
	const id = 9001 // unlikely to meet another test's id in the shared cache

	a, err := source.Stored(id, v1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Format != "csv" {
		t.Fatalf("format = %q; want csv", a.Format)
	}
	if b, _ := source.Stored(id, v1); b != a {
		t.Error("the same definition was decoded twice; want the cached value")
	}
	c, err := source.Stored(id, v2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != "ndjson" {
		t.Errorf("after re-registration format = %q; want ndjson", c.Format)
	}
	if d, _ := source.Stored(id+1, v1); d == a {
		t.Error("two sources share one cached value")
	}
	if _, err := source.Stored(id+2, []byte(`{"fields": 3}`)); err == nil {
		t.Error("a broken definition decoded without error")
	}

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := source.Stored(int64(id+i%2), v1); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
