package synth

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/kz"
)

// TestClean checks a clean nation (Options.Clean) on its own terms; the
// record-by-record check that no defect shows is TestDefectsExact/clean.
func TestClean(t *testing.T) {
	dir, sum := cleanNation.get(t)
	normal, _ := nation(t) // the same seed, defects planted

	t.Run("defects.csv", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(dir, "truth", "defects.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(raw), "kind,source,record_id,detail\n"; got != want {
			t.Errorf("defects.csv = %.300q; want only the header", got)
		}
		if sum.Files["truth/defects.csv"] != 0 {
			t.Errorf("summary counts %d defects", sum.Files["truth/defects.csv"])
		}
		if n := len(readTruth(t, normal, "defects.csv")); n == 0 {
			t.Errorf("the normal nation of the same seed has no defects either")
		}
	})

	t.Run("health_cards", func(t *testing.T) {
		cards := readSource(t, dir, specOf("health_cards"))
		if len(cards.rows) < testPeople/2 {
			t.Fatalf("only %d cards", len(cards.rows))
		}
		seen := map[string]bool{}
		closed := 0
		for _, r := range cards.rows {
			iin := r["iin"]
			if _, err := kz.ParseIIN(iin); err != nil {
				t.Fatalf("card %s: IIN %q: %v", r["card_no"], iin, err)
			}
			if seen[iin] {
				t.Fatalf("card %s: a second card for IIN %s", r["card_no"], iin)
			}
			seen[iin] = true
			if fio := r["fio"]; fio == strings.ToUpper(fio) || hasLatin(fio) {
				t.Fatalf("card %s: name %q", r["card_no"], fio)
			}
			if _, err := time.Parse(time.DateOnly, r["birth_date"]); err != nil {
				t.Fatalf("card %s: %v", r["card_no"], err)
			}
			if r["status"] == "закрыта" {
				closed++
			}
		}
		if closed == 0 {
			t.Errorf("no closed cards: the cards of the dead should still be there, closed")
		}
	})

	t.Run("disability_register", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(dir, "disability", "register.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(raw) || !bytes.HasPrefix(raw, []byte("НОМЕР_ДЕЛА;ИИН;")) {
			t.Errorf("disability register is not UTF-8")
		}
		if !bytes.ContainsAny(raw, "әғқңөұүһіӘҒҚҢӨҰҮҺІ") {
			t.Errorf("no Kazakh letter in the disability register")
		}
		y, err := os.ReadFile(filepath.Join(dir, "sources.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var c contractFile
		if err := yaml.Unmarshal(y, &c); err != nil {
			t.Fatal(err)
		}
		for _, s := range c.Sources {
			if s.Encoding != "utf-8" {
				t.Errorf("%s: encoding %q in a clean nation", s.Name, s.Encoding)
			}
		}
	})

	// Only the defects differ: the people are those of the normal nation.
	t.Run("same people", func(t *testing.T) {
		for _, f := range []string{"population/register.csv", "civil/events.csv", "truth/households.csv", "truth/events.csv"} {
			a, errA := os.ReadFile(filepath.Join(normal, f))
			b, errB := os.ReadFile(filepath.Join(dir, f))
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs between the normal and the clean nation", f)
			}
		}
	})
}

func TestCleanDeterministic(t *testing.T) {
	var trees [2]map[string][]byte
	for i := range trees {
		dir := t.TempDir()
		if _, err := Generate(context.Background(), Options{People: 2000, Seed: 7, Out: dir, Clean: true}); err != nil {
			t.Fatal(err)
		}
		trees[i] = readTree(t, dir)
	}
	if len(trees[0]) < 15 || len(trees[0]) != len(trees[1]) {
		t.Fatalf("runs wrote %d and %d files", len(trees[0]), len(trees[1]))
	}
	for name, want := range trees[0] {
		if !bytes.Equal(trees[1][name], want) {
			t.Errorf("%s differs between two clean runs with the same seed", name)
		}
	}
}
