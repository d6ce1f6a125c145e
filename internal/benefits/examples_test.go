package benefits

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// examplesDir holds RULES.md's twelve examples when the shared folder is
// present next to the repository; the test skips otherwise.
var examplesDir = filepath.Join("..", "..", "..", "..", "shared", "benefits", "examples")

type wantResult struct {
	ID         string `json:"id"`
	Programmes []struct {
		Programme string `json:"programme"`
		Eligible  bool   `json:"eligible"`
		Amount    int64  `json:"amount"`
		Period    string `json:"period"`
	} `json:"programmes"`
}

func TestSharedExamples(t *testing.T) {
	dir := os.Getenv("BENEFITS_EXAMPLES")
	if dir == "" {
		dir = examplesDir
	}
	sf, err := os.Open(filepath.Join(dir, "situations.ndjson"))
	if err != nil {
		t.Skipf("no shared examples: %v", err)
	}
	defer sf.Close()
	ef, err := os.Open(filepath.Join(dir, "expected.ndjson"))
	if err != nil {
		t.Skipf("no shared examples: %v", err)
	}
	defer ef.Close()
	var wants []wantResult
	sc := bufio.NewScanner(ef)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var w wantResult
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
			t.Fatal(err)
		}
		wants = append(wants, w)
	}
	e := mustEngine(t)
	i := 0
	err = ReadSituations(sf, func(s Situation, err error) error {
		if err != nil {
			t.Fatalf("situation %d: %v", i, err)
		}
		checkResult(t, e.Decide(&s), wants[i])
		i++
		return nil
	})
	if err != nil || i != len(wants) {
		t.Fatalf("read %d of %d: %v", i, len(wants), err)
	}
}

func checkResult(t *testing.T, got Result, want wantResult) {
	t.Helper()
	if got.ID != want.ID || len(got.Programmes) != len(want.Programmes) {
		t.Fatalf("%s: got %d programmes for %s", want.ID, len(got.Programmes), got.ID)
	}
	for j, w := range want.Programmes {
		g := got.Programmes[j]
		if g.Programme != w.Programme || g.Eligible != w.Eligible || g.Amount.Cmp(Tenge(w.Amount)) != 0 || g.Period != w.Period || g.Err != "" {
			t.Errorf("%s %s: got eligible %v amount %s period %s err %q, want %v %d %s", want.ID, w.Programme, g.Eligible, g.Amount, g.Period, g.Err, w.Eligible, w.Amount, w.Period)
		}
	}
}

func mustEngine(tb testing.TB) *Engine {
	tb.Helper()
	c, err := DefaultCatalog()
	if err != nil {
		tb.Fatal(err)
	}
	e, err := NewEngine(c)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
