package synth

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/kz"
)

// world facts the defect checks need, read back from the clean registers.
type facts struct {
	name  map[string][3]string // true IIN -> surname, first name, patronymic
	death map[string]time.Time // true IIN -> death day
	asOf  time.Time
}

func loadFacts(t *testing.T, dir string) facts {
	f := facts{name: map[string][3]string{}, death: map[string]time.Time{}, asOf: DefaultAsOf}
	for _, r := range readSource(t, dir, specOf("population_register")).rows {
		f.name[r["IIN"]] = [3]string{r["FAMILIYA"], r["IMYA"], r["OTCHESTVO"]}
	}
	for _, r := range readSource(t, dir, specOf("civil_registry")).rows {
		if r["event_type"] == "СМЕРТЬ" {
			d, err := time.Parse(time.DateOnly, r["event_date"])
			if err != nil {
				t.Fatal(err)
			}
			f.death[r["iin"]] = d
			f.name[r["iin"]] = [3]string{r["last_name"], r["first_name"], r["patronymic"]}
		}
	}
	return f
}

func hasKazakh(s string) bool { return kz.FoldKazakh(s) != s }

func hasLatin(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 128 && (r|0x20) >= 'a' && (r|0x20) <= 'z' })
}

func joinName(p [3]string) string {
	if p[2] == "" {
		return p[0] + " " + p[1]
	}
	return p[0] + " " + p[1] + " " + p[2]
}

func badCheckDigit(s string) bool {
	_, err := kz.ParseIIN(s)
	return errors.Is(err, kz.ErrIDCheckDigit)
}

// TestDefectsExact checks, kind by kind, that a record is listed with a
// defect exactly when it shows that defect: nothing planted by accident,
// nothing listed that is not there. In a clean nation nothing is listed, so
// no record may show any defect.
func TestDefectsExact(t *testing.T) {
	for _, tt := range []struct {
		name  string
		clean bool
		n     *sharedNation
	}{
		{"normal", false, normalNation},
		{"clean", true, cleanNation},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := tt.n.get(t)
			checkDefectsExact(t, dir, tt.clean)
		})
	}
}

func checkDefectsExact(t *testing.T, dir string, clean bool) {
	f := loadFacts(t, dir)
	who := map[string]map[string]string{} // source -> record -> true IIN
	for _, r := range readTruth(t, dir, "persons.csv") {
		if who[r[0]] == nil {
			who[r[0]] = map[string]string{}
		}
		who[r[0]][r[1]] = r[2]
	}
	listed := map[string]map[string]bool{} // kind/source -> records
	kinds := map[string]int{}
	for _, r := range readTruth(t, dir, "defects.csv") {
		kinds[r[0]]++
		if r[0] == string(defMalformedRow) {
			continue // extra rows, not records: TestMalformedRows checks them
		}
		k := r[0] + "/" + r[1]
		if listed[k] == nil {
			listed[k] = map[string]bool{}
		}
		if listed[k][r[2]] {
			t.Errorf("%s: record %s listed twice", k, r[2])
		}
		listed[k][r[2]] = true
	}
	for _, k := range DefectKinds() {
		if clean && kinds[k] > 0 {
			t.Errorf("%d %s defects planted in a clean nation", kinds[k], k)
		}
		if !clean && kinds[k] == 0 {
			t.Errorf("no %s defect planted", k)
		}
	}
	for k := range kinds {
		if !strings.Contains(strings.Join(DefectKinds(), " "), k) {
			t.Errorf("undocumented defect kind %s", k)
		}
	}
	tables := map[string]testTable{}
	for _, e := range extracts {
		tables[e.spec.name] = readSource(t, dir, e.specFor(clean))
		ids := map[string]bool{}
		for _, id := range tables[e.spec.name].column(e.spec.id) {
			ids[id] = true
		}
		for k, recs := range listed {
			if strings.HasSuffix(k, "/"+e.spec.name) {
				for id := range recs {
					if !ids[id] {
						t.Errorf("%s: record %s is not in the extract", k, id)
					}
				}
			}
		}
	}
	if len(listed["/population_register"])+len(listed["/civil_registry"]) > 0 {
		t.Errorf("defects listed in the clean registers")
	}

	// check compares the records with a property to the listed ones.
	check := func(kind, source, idCol string, has func(row map[string]string) bool) {
		t.Helper()
		want := listed[kind+"/"+source]
		n := 0
		for _, row := range tables[source].rows {
			id := row[idCol]
			if has(row) != want[id] {
				t.Errorf("%s/%s: record %s shows the defect: %v, listed: %v (%v)", kind, source, id, has(row), want[id], row)
				if n++; n > 5 {
					t.FailNow()
				}
			}
		}
	}
	dead := func(iin string, at time.Time) bool {
		d, ok := f.death[iin]
		return ok && d.Before(at)
	}

	// Health cards.
	hw := who["health_cards"]
	cards := map[string]int{}
	for _, iin := range hw {
		cards[iin]++
	}
	check("duplicate_card", "health_cards", "card_no", func(r map[string]string) bool { return cards[hw[r["card_no"]]] > 1 })
	check("missing_iin", "health_cards", "card_no", func(r map[string]string) bool { return r["iin"] == "" })
	check("iin_check_digit", "health_cards", "card_no", func(r map[string]string) bool { return r["iin"] != "" && badCheckDigit(r["iin"]) })
	check("invalid_date", "health_cards", "card_no", func(r map[string]string) bool {
		_, err := time.Parse(time.DateOnly, r["birth_date"])
		return err != nil
	})
	check("latin_spelling", "health_cards", "card_no", func(r map[string]string) bool { return hasLatin(r["fio"]) })
	check("name_upper", "health_cards", "card_no", func(r map[string]string) bool { return r["fio"] == strings.ToUpper(r["fio"]) })
	check("kazakh_folded", "health_cards", "card_no", func(r map[string]string) bool {
		return !hasLatin(r["fio"]) && !hasKazakh(r["fio"]) && hasKazakh(joinName(f.name[hw[r["card_no"]]]))
	})
	check("dead_active_health", "health_cards", "card_no", func(r map[string]string) bool {
		return r["status"] == "активна" && dead(hw[r["card_no"]], f.asOf)
	})
	check("name_typo", "health_cards", "card_no", func(r map[string]string) bool {
		id := r["card_no"]
		parts := f.name[hw[id]]
		for i := range parts {
			switch {
			case listed["latin_spelling/health_cards"][id]:
				parts[i] = kz.LatinICAO(parts[i])
			case listed["kazakh_folded/health_cards"][id]:
				parts[i] = kz.FoldKazakh(parts[i])
			}
		}
		want := joinName(parts)
		if listed["name_upper/health_cards"][id] {
			want = strings.ToUpper(want)
		}
		return r["fio"] != want
	})
	for _, r := range tables["health_cards"].rows {
		if iin := r["iin"]; iin != "" && kz.ValidIIN(iin) && iin != hw[r["card_no"]] {
			t.Errorf("card %s shows another person's valid IIN %s", r["card_no"], iin)
		}
	}

	// Social benefits.
	sw := who["social_benefits"]
	check("dead_receiving_benefit", "social_benefits", "Номер", func(r map[string]string) bool { return dead(sw[r["Номер"]], f.asOf) })
	check("iin_check_digit", "social_benefits", "Номер", func(r map[string]string) bool { return badCheckDigit(r["ИИН"]) })

	// Tax.
	tw := who["tax_incomes"]
	check("income_for_dead", "tax_incomes", "DOC_ID", func(r map[string]string) bool {
		start, err := time.Parse("2006-01", r["PERIOD"])
		if err != nil {
			t.Fatal(err)
		}
		return dead(tw[r["DOC_ID"]], start)
	})

	// Education.
	ew := who["education_students"]
	enrolled := map[string]int{}
	for _, iin := range ew {
		enrolled[iin]++
	}
	check("enrolled_twice", "education_students", "studentId", func(r map[string]string) bool { return enrolled[ew[r["studentId"]]] > 1 })

	// Disability.
	dw := who["disability_register"]
	check("kazakh_folded", "disability_register", "НОМЕР_ДЕЛА", func(r map[string]string) bool {
		full := joinName(f.name[dw[r["НОМЕР_ДЕЛА"]]])
		want := full
		if !clean {
			want = kz.FoldKazakh(full)
		}
		if r["ФИО"] != want {
			t.Fatalf("disability name %q for %q", r["ФИО"], full)
		}
		return !clean && hasKazakh(full)
	})

	// Livestock.
	lv := tables["livestock"]
	tags, cattle := map[string]int{}, map[string]int{}
	for _, r := range lv.rows {
		tags[r["Tag"]]++
		if r["Species"] == "КРС" {
			cattle[r["OwnerIIN"]]++
		}
	}
	check("dead_owner", "livestock", "RecordID", func(r map[string]string) bool { return dead(r["OwnerIIN"], f.asOf) })
	check("duplicate_tag", "livestock", "RecordID", func(r map[string]string) bool { return tags[r["Tag"]] > 1 })
	check("oversized_herd", "livestock", "RecordID", func(r map[string]string) bool { return cattle[r["OwnerIIN"]] >= oversizedFrom })
	plausible := map[string]int{}
	for _, s := range speciesInfo {
		plausible[s.label] = s.plausible
	}
	check("impossible_age", "livestock", "RecordID", func(r map[string]string) bool {
		b, err := time.Parse("20060102", r["BirthDate"])
		if err != nil {
			t.Fatal(err)
		}
		return b.After(f.asOf) || b.AddDate(plausible[r["Species"]], 0, 0).Before(f.asOf)
	})
	animals := readTruth(t, dir, "animals.csv")
	for i, a := range animals {
		if a[2] != lv.rows[i]["Tag"] {
			t.Fatalf("animal truth %v for tag %s", a, lv.rows[i]["Tag"])
		}
	}
}

func TestMistypeIIN(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		iin, _, err := kz.MakeIIN(time.Date(1950+i%70, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), kz.Female, i)
		if err != nil {
			t.Fatal(err)
		}
		bad := mistypeIIN(r, iin)
		diff := 0
		for k := range bad {
			if bad[k] != iin[k] {
				diff++
			}
		}
		if diff != 1 || !badCheckDigit(bad) {
			t.Fatalf("mistypeIIN(%s) = %s: %d digits changed, check digit bad %v", iin, bad, diff, badCheckDigit(bad))
		}
	}
}

func TestTypo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tt := range []struct {
		word  string
		latin bool
	}{{"Нұрсұлтан", false}, {"Ахметов", false}, {"Әсел", false}, {"Nursultan", true}, {"Ким", false}} {
		for range 200 {
			got, ok := typo(r, tt.word, tt.latin)
			if !ok {
				t.Fatalf("typo(%q) failed", tt.word)
			}
			if kz.FoldKazakh(strings.ToLower(got)) == kz.FoldKazakh(strings.ToLower(tt.word)) {
				t.Fatalf("typo(%q) = %q: same after folding", tt.word, got)
			}
			if kazakhLetters(got) != kazakhLetters(tt.word) || []rune(got)[0] != []rune(tt.word)[0] {
				t.Fatalf("typo(%q) = %q touched a Kazakh or the first letter", tt.word, got)
			}
		}
	}
	if _, ok := typo(r, "Ли", false); ok {
		t.Errorf("typo on a two-letter word")
	}
}

func TestPatronymic(t *testing.T) {
	tests := []struct {
		father string
		style  patronymicStyle
		m, f   string
	}{
		{"Нұрлан", kazakhStyle, "Нұрланұлы", "Нұрланқызы"},
		{"Нұрлан", russianStyle, "Нурланович", "Нурлановна"},
		{"Иван", russianStyle, "Иванович", "Ивановна"},
		{"Сергей", russianStyle, "Сергеевич", "Сергеевна"},
		{"Серікбай", russianStyle, "Серикбаевич", "Серикбаевна"},
		{"Юрий", russianStyle, "Юрьевич", "Юрьевна"},
		{"Дмитрий", russianStyle, "Дмитриевич", "Дмитриевна"},
		{"Игорь", russianStyle, "Игоревич", "Игоревна"},
		{"Илья", russianStyle, "Ильич", "Ильинична"},
		{"Никита", russianStyle, "Никитич", "Никитична"},
		{"Пётр", russianStyle, "Петрович", "Петровна"},
		{"Қуаныш", russianStyle, "Куанышевич", "Куанышевна"},
		{"Абдулла", russianStyle, "Абдуллаевич", "Абдуллаевна"},
		{"Нұрали", russianStyle, "Нуралиевич", "Нуралиевна"},
		{"Виктор", noPatronymic, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.father, func(t *testing.T) {
			got := [2]string{patronymic(tt.father, kz.Male, tt.style), patronymic(tt.father, kz.Female, tt.style)}
			if diff := cmp.Diff([2]string{tt.m, tt.f}, got); diff != "" {
				t.Errorf("patronymic(%s) (-want +got):\n%s", tt.father, diff)
			}
		})
	}
}

func TestGenderSurname(t *testing.T) {
	for _, tt := range [][2]string{
		{"Ахметов", "Ахметова"}, {"Сүлейменов", "Сүлейменова"}, {"Нұрланов", "Нұрланова"},
		{"Сафин", "Сафина"}, {"Соловьёв", "Соловьёва"}, {"Покровский", "Покровская"},
		{"Серікұлы", "Серікқызы"}, {"Ким", "Ким"}, {"Шмидт", "Шмидт"}, {"Шевченко", "Шевченко"},
	} {
		if got := genderSurname(tt[0], kz.Female); got != tt[1] {
			t.Errorf("genderSurname(%s, F) = %s; want %s", tt[0], got, tt[1])
		}
		if got := genderSurname(tt[0], kz.Male); got != tt[0] {
			t.Errorf("genderSurname(%s, M) = %s", tt[0], got)
		}
	}
}

func TestNameLists(t *testing.T) {
	kk := len(nameSets[kazakh].male.items) + len(nameSets[kazakh].female.items)
	if kk < 300 {
		t.Errorf("%d Kazakh first names; want a few hundred", kk)
	}
	for _, want := range []string{"Нұрсұлтан", "Әсел", "Ғалым", "Қуаныш", "Айгүл", "Жанар", "Еркебұлан", "Өмірзақ"} {
		found := false
		for _, l := range [][]string{nameSets[kazakh].male.items, nameSets[kazakh].female.items} {
			for _, n := range l {
				found = found || n == want
			}
		}
		if !found {
			t.Errorf("Kazakh name %s missing", want)
		}
	}
	// Zipf skew: the commonest surname repeats far more than the rarest.
	r := rand.New(rand.NewPCG(5, 6))
	counts := map[string]int{}
	for range 20000 {
		counts[kazakh.surname(r)]++
	}
	items := nameSets[kazakh].surnames.items
	if counts[items[0]] < 5*max(1, counts[items[len(items)-1]]) {
		t.Errorf("surname frequencies not skewed: first %d, last %d", counts[items[0]], counts[items[len(items)-1]])
	}
}

func TestDates(t *testing.T) {
	for d := mkDate(1800, 1, 1); d < mkDate(2100, 1, 1); d += 17 {
		tm := time.Unix(int64(d)*86400, 0).UTC()
		y, m, dd := d.ymd()
		if y != tm.Year() || m != int(tm.Month()) || dd != tm.Day() || mkDate(y, m, dd) != d || dateOf(tm) != d {
			t.Fatalf("day %d: ymd %d-%d-%d, time says %s", d, y, m, dd, tm.Format(time.DateOnly))
		}
	}
	for _, tt := range []struct {
		l    dateLayout
		want string
	}{{layoutDMY, "05.03.1985"}, {layoutISO, "1985-03-05"}, {layoutCompact, "19850305"}} {
		if got := string(appendDate(nil, mkDate(1985, 3, 5), tt.l)); got != tt.want {
			t.Errorf("%s: %s", tt.l, got)
		}
	}
	if a := age(mkDate(2000, 11, 2), mkDate(2026, 11, 1)); a != 25 {
		t.Errorf("age = %d", a)
	}
}

func TestCSVQuoting(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{"a,b", `"a,b"`},
		{`ТОО "Береке"`, `"ТОО ""Береке"""`},
		{" lead", `" lead"`},
		{"a;b", "a;b"},
		{"line\nbreak", "\"line\nbreak\""},
	} {
		if got := string(appendField(nil, ',', tt.in)); got != tt.want {
			t.Errorf("appendField(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
	if got := string(appendMoney(nil, 6345007)); got != "63450,07" {
		t.Errorf("appendMoney = %s", got)
	}
	if got := string(appendPhone(nil, 7012345678, phoneDashes)); got != "8 (701) 234-56-78" {
		t.Errorf("appendPhone = %s", got)
	}
	if got := string(appendJSONString(nil, "a\"\\\n")); got != `"a\"\\\u000a"` {
		t.Errorf("appendJSONString = %s", got)
	}
}
