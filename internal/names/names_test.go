package names

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/textsim"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"Нұрсұлтан Әбішұлы Назарбаев", "nursultan abishuli nazarbaev"},
		{"NURSULTAN  ABISHULY", "nursultan abishuli"},
		{"Nūrsūltan Äbışūly", "nursultan abishuli"},
		{"  Ахмет-Оглы ,  Али. ", "ahmet ogli ali"},
		{"O'Neil", "oneil"},
		{"Д’Артаньян", "dartanian"},
		{"Müller-Lüdenscheidt", "muler ludensheidt"},
		{"Łukasz Żółć", "lukash jolch"},
		{"Ivanov2", "ivanov"},
		{"Жанар", "janar"},
		{"Zhanar", "janar"},
		{"Janar", "janar"},
		{"Назарбаев", "nazarbaev"},
		{"Nazarbayev", "nazarbaev"},
		{"Щербаков", "sherbakov"},
		{"Şşerbakov", "sherbakov"},
		{"Кузнецов", "kuznetsov"},
		{"Kuznetcov", "kuznetsov"},
		{"Әуезхан", "auezkhan"}, // зх stays apart from ж...
		{"Äuezhan", "auejan"},   // ...which Latin cannot tell from zh
		{"Сергеевич", "sergeevich"},
		{"Серікқызы", "serikkizi"},
		{"Христина", "hristina"},
		{"Christina", "kristina"},
		{"Мария", "maria"},
		{"Mariia", "maria"},
		{"Пётр", "petr"},
		{"Ерлан", "erlan"},
		{"Yerlan", "erlan"},
		{"Аяжан", "ayajan"},
		{"Aiazhan", "ayajan"},
		{"Анна", "ana"},
		{"Tchaikovsky", "chaikovski"},
		{"Чайковский", "chaikovski"},
		{"東京", ""},
		{"Ли 李", "li"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ул. Абая 15А, кв. 3", "ul abaya 15 a kv 3"},
		{"Abaya kóshesi 15a-3", "abaya koshesi 15 a 3"},
		{"мкр Самал-2, д.111", "mkr samal 2 d 111"},
		{"Астана", "astana"},
		{"100 000", "100 000"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FoldText(tt.in); got != tt.want {
			t.Errorf("FoldText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldAllocations pins Fold's one allocation, the returned string:
// it runs for every name of every record.
func TestFoldAllocations(t *testing.T) {
	for _, s := range []string{"Назарбаев Нұрсұлтан Әбішұлы", "NAZARBAYEV NURSULTAN ABISHULY", "Щербаков Пётр Фёдорович"} {
		if n := testing.AllocsPerRun(100, func() { Fold(s) }); n > 1 {
			t.Errorf("Fold(%q): %v allocations, want 1", s, n)
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens(" Назарбаев  Нұрсұлтан-Әбішұлы ")
	want := []string{"nazarbaev", "nursultan", "abishuli"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens mismatch (-want +got):\n%s", diff)
	}
	if got := Tokens("--"); len(got) != 0 {
		t.Errorf("Tokens(\"--\") = %q, want none", got)
	}
}

// spellingCase is one row of testdata/kazakh_names.tsv.
type spellingCase struct {
	line         int
	expect, a, b string
}

func readSpellings(tb testing.TB) []spellingCase {
	tb.Helper()
	f, err := os.Open("testdata/kazakh_names.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var cases []spellingCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			tb.Fatalf("kazakh_names.tsv:%d: %d columns, want 3", n, len(cols))
		}
		cases = append(cases, spellingCase{n, cols[0], cols[1], cols[2]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return cases
}

func isCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

func TestFoldSpellings(t *testing.T) {
	cases := readSpellings(t)
	// Every Cyrillic spelling also stands for the spellings kz derives from
	// it: those must agree without a row saying so.
	seen := map[string]bool{}
	for _, c := range cases {
		if !isCyrillic(c.a) || seen[c.a] || c.expect == "differ" || c.expect == "distinct" {
			continue
		}
		seen[c.a] = true
		icao := kz.LatinICAO(c.a)
		for _, d := range []string{kz.FoldKazakh(c.a), strings.ToUpper(c.a), icao, strings.ToUpper(icao)} {
			cases = append(cases, spellingCase{c.line, "same", c.a, d})
		}
		cases = append(cases, spellingCase{c.line, "close", c.a, kz.Latin2021(c.a)})
	}
	for _, c := range cases {
		t.Run(c.expect+"/"+c.a+"/"+c.b, func(t *testing.T) {
			fa, fb := Fold(c.a), Fold(c.b)
			jw := textsim.JaroWinkler(fa, fb)
			var ok bool
			switch c.expect {
			case "same":
				ok = fa == fb
			case "close":
				ok = jw >= 0.93
			case "distinct":
				ok = fa != fb
			case "differ":
				ok = fa != fb && jw < 0.85
			default:
				t.Fatalf("kazakh_names.tsv:%d: unknown expectation %q", c.line, c.expect)
			}
			if !ok {
				t.Errorf("kazakh_names.tsv:%d: %s: Fold(%q) = %q, Fold(%q) = %q, Jaro–Winkler %.3f",
					c.line, c.expect, c.a, fa, c.b, fb, jw)
			}
		})
	}
}

func TestBase(t *testing.T) {
	groups := [][]string{
		{"Нурланович", "Нұрланұлы", "Nurlanovna", "Нұрланқызы", "Нурлановна", "NURLANULY", "Nūrlanqyzy", "Нұрлан қызы", "Нурлан"},
		{"Ахметов", "Ахметова", "Akhmetov", "AKHMETOVA", "Ahmetov", "Ахметович"},
		{"Серікқызы", "Серікұлы", "Серикович", "Serikkyzy", "Серік"},
		{"Серикбаевич", "Серікбайұлы", "Серікбайқызы", "Serikbaiuly", "Серікбай"},
		{"Сергеевич", "Сергеевна", "Sergeyevich", "Сергей"},
		{"Покровский", "Покровская", "Pokrovskii", "Pokrovskaya", "Pokrovsky"},
		{"Трубецкой", "Трубецкая"},
		{"Толстой", "Толстая"},
		{"Сафин", "Сафина"},
		{"Назарбаев", "Назарбаева", "Nazarbayev", "Назарбай"},
		{"Әлиев", "Алиева", "Aliyev", "Әли", "Алиевич"},
		{"Игоревич", "Игоревна", "Igor"},
		{"Куанышевич", "Қуанышқызы", "Kuanyshuly"},
		{"Никитична", "Никитич"},
		{"Мамедоглы", "Мамед оглы"},
	}
	for _, g := range groups {
		want := Base(Fold(g[0]))
		for _, s := range g[1:] {
			if got := Base(Fold(s)); got != want {
				t.Errorf("Base(Fold(%q)) = %q, but Base(Fold(%q)) = %q", s, got, g[0], want)
			}
		}
	}

	tests := []struct{ in, want string }{
		{"nurlanovich", "nurlan"},
		{"sergeevich", "sergei"},
		{"serikbaevich", "serikbai"},
		{"serikbayuli", "serikbai"},
		{"abish uli", "abish"},
		{"ahmetova", "ahmet"},
		{"Ахметова", "ahmet"}, // not folded yet: Base folds it
		{"tsoi", "tsoi"},      // -oi would leave two letters
		{"kim", "kim"},
		{"ilich", "ilich"}, // Ильич: -ich would leave two letters
		{"shevchenko", "shevchenko"},
		{"yurevich", "yur"}, // Юрьевич: close to yuri, not equal
		{"", ""},
	}
	for _, tt := range tests {
		if got := Base(tt.in); got != tt.want {
			t.Errorf("Base(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		in   string
		want TokenKind
	}{
		{"Нурланович", Patronymic},
		{"Нұрланқызы", Patronymic},
		{"ABISHULY", Patronymic},
		{"Петровна", Patronymic},
		{"Мамедоглы", Patronymic},
		{"ұлы", Particle},
		{"қызы", Particle},
		{"kyzy", Particle},
		{"Оглы", Particle},
		{"Ахметова", Surname},
		{"Покровский", Surname},
		{"Иванов", Surname},
		{"Марина", Other},
		{"Ким", Other},
		{"Нұрсұлтан", Other},
		{"Бич", Other},
	}
	for _, tt := range tests {
		if got := Kind(tt.in); got != tt.want {
			t.Errorf("Kind(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want Parts
	}{
		{"Назарбаев Нұрсұлтан Әбішұлы", Parts{"Назарбаев", "Нұрсұлтан", "Әбішұлы"}},
		{"Назарбаев Нұрсұлтан Әбіш ұлы", Parts{"Назарбаев", "Нұрсұлтан", "Әбіш ұлы"}},
		{"NAZARBAYEV  NURSULTAN  ABISH  ULY", Parts{"NAZARBAYEV", "NURSULTAN", "ABISH ULY"}},
		{"Ахметова Айгүл Серік қызы", Parts{"Ахметова", "Айгүл", "Серік қызы"}},
		{"Иванов Иван Иванович", Parts{"Иванов", "Иван", "Иванович"}},
		{"ИВАНОВА МАРИЯ ПЕТРОВНА", Parts{"ИВАНОВА", "МАРИЯ", "ПЕТРОВНА"}},
		{"Иван Петрович Сидоров", Parts{"Сидоров", "Иван", "Петрович"}},
		{"Карпович Иван Петрович", Parts{"Карпович", "Иван", "Петрович"}},
		{"Ivanov, Ivan", Parts{"Ivanov", "Ivan", ""}},
		{"Ivanov,Ivan Ivanovich", Parts{"Ivanov", "Ivan", "Ivanovich"}},
		{"Ivanov, Anna Maria", Parts{"Ivanov", "Anna", "Maria"}},
		{"Ivanova, Anna Maria Petrovna", Parts{"Ivanova", "Anna Maria", "Petrovna"}},
		{"Ким Ольга", Parts{"Ким", "Ольга", ""}},
		{"Нұрлан Әбішұлы", Parts{"", "Нұрлан", "Әбішұлы"}},
		{"Цой", Parts{"Цой", "", ""}},
		{"   ", Parts{}},
		{"Иванова Анна Мария Петровна", Parts{"Иванова", "Анна Мария", "Петровна"}},
		{"Иванов Иван Иванович младший", Parts{"Иванов", "Иван", "Иванович младший"}},
		{"Шмидт Анна Мария Луиза", Parts{"Шмидт", "Анна", "Мария Луиза"}},
		{"Алиев Мамед Гасан оглы", Parts{"Алиев", "Мамед", "Гасан оглы"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Split(tt.in)); diff != "" {
				t.Errorf("Split(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Нұрсұлтан Әбішұлы", "NAZARBAYEV", "Şşerbakov", "Kuznetcov", "fitzcharles",
		"salischtschew", "Серікқызы", "tchrikishvili", "кхудджуттара", "d'Artagnan",
		"\xff\xfe", "Müller-Lüdenscheidt", "iiyyaa", "zzhh", "tsstch",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		for i := 0; i < len(got); i++ {
			c := got[i]
			if !(c >= 'a' && c <= 'z' || c == ' ' && i > 0 && i < len(got)-1 && got[i-1] != ' ') {
				t.Fatalf("Fold(%q) = %q: byte %d (%q) outside the alphabet", s, got, i, c)
			}
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: Fold(%q) = %q, Fold(%q) = %q", s, got, got, again)
		}
		text := FoldText(s)
		if again := FoldText(text); again != text {
			t.Fatalf("FoldText not idempotent: FoldText(%q) = %q, FoldText(%q) = %q", s, text, text, again)
		}
		if strings.ContainsFunc(text, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ' ') }) {
			t.Fatalf("FoldText(%q) = %q: outside the alphabet", s, text)
		}
		if toks := Tokens(s); strings.Join(toks, " ") != got {
			t.Fatalf("Tokens(%q) = %q, Fold = %q", s, toks, got)
		}
		if b := Base(got); len(b) > len(got)+1 {
			t.Fatalf("Base(%q) = %q grew", got, b)
		}
		Split(s)
	})
}
