package kz

import (
	"testing"
	"unicode/utf8"
)

func TestFoldKazakh(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Иванов", "Иванов"},
		{"Нұрсұлтан", "Нурсултан"},
		{"Әсел", "Асел"},
		{"Ғалым", "Галым"},
		{"Қуаныш", "Куаныш"},
		{"Айгүл", "Айгул"},
		{"Еркебұлан", "Еркебулан"},
		{"Өмірзақ", "Омирзак"},
		{"Іңкәр", "Инкар"},
		{"Шаһизада", "Шахизада"},
		{"ӘҒҚҢӨҰҮҺІ әғқңөұүһі", "АГКНОУУХИ агкноуухи"},
		{"Сүлейменова Әлия Нұрланқызы", "Сулейменова Алия Нурланкызы"},
		{"Əсел", "Асел"}, // Latin capital schwa
		{"Almaty 050000", "Almaty 050000"},
		{"bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := FoldKazakh(tt.in); got != tt.want {
				t.Errorf("FoldKazakh(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLatinICAO(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Жанар", "Zhanar"},
		{"Нұрсұлтан", "Nursultan"},
		{"Әсел", "Asel"},
		{"Ғалым", "Galym"},
		{"Қуаныш", "Kuanysh"},
		{"Айгүл", "Aigul"},
		{"Өмірзақ", "Omirzak"},
		{"Шаһизада", "Shahizada"},
		{"Хасенов", "Khasenov"},
		{"Цой", "Tsoi"},
		{"Чапаев", "Chapaev"},
		{"Щукин", "Shchukin"},
		{"ЩЕРБАКОВ", "SHCHERBAKOV"},
		{"Юлия", "Iuliia"},
		{"Яна", "Iana"},
		{"Соловьёв", "Solovev"},
		{"Подъячев", "Podieiachev"},
		{"Рыбаков", "Rybakov"},
		{"Эльвира", "Elvira"},
		{"ЖАНАР НҰРЛАНҚЫЗЫ", "ZHANAR NURLANKYZY"},
		{"ЖУКОВ Ж.", "ZHUKOV ZH."},
		{"Жуков Ж.", "Zhukov Zh."},
		{"ЖАНАР Нұрланқызы", "ZHANAR Nurlankyzy"},
		{"Шмидт-Ким", "Shmidt-Kim"},
		{"Є Ї Ґ Ў", "IE I G U"},
		{"Ivanov", "Ivanov"},
		{"bad \xff", "bad \uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := LatinICAO(tt.in); got != tt.want {
				t.Errorf("LatinICAO(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLatin2021(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Қазақстан", "Qazaqstan"},
		{"Әсел", "Äsel"},
		{"Ғалым", "Ğalym"},
		{"Қуаныш", "Quanyş"},
		{"Нұрсұлтан", "Nūrsūltan"},
		{"Айгүл", "Aigül"},
		{"Өмірзақ", "Ömırzaq"},
		{"Іңкәр", "Iñkär"},
		{"Ирина", "İrina"},
		{"Жанар", "Janar"},
		{"Шаһизада", "Şahizada"},
		{"Чапаев", "Çapaev"},
		{"Цой", "Tsoi"},
		{"Щукин", "Şşukin"},
		{"Юлия", "İuliia"},
		{"Ёлка", "İolka"},
		{"Подъячев", "Podiaçev"},
		{"Соловьёв", "Soloviov"},
		{"Хасенов", "Hasenov"},
		{"ҚҰРМАНҒАЗЫ", "QŪRMANĞAZY"},
		{"ИІ", "İI"},
		{"ЩЕРБАКОВ", "ŞŞERBAKOV"},
		{"бір үлкен", "bır ülken"},
		{"Almaty", "Almaty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Latin2021(tt.in); got != tt.want {
				t.Errorf("Latin2021(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldRuneRange(t *testing.T) {
	// Every folded letter lies in the range foldRune checks first, and
	// nothing outside the nine letters (and the schwa) changes.
	changed := 0
	for r := rune(0); r < 0x3000; r++ {
		if foldRune(r) != r {
			changed++
		}
	}
	if changed != 20 {
		t.Errorf("foldRune changes %d runes; want 20 (9 letters in two cases, and the schwa)", changed)
	}
}

func TestFoldKazakhIdempotent(t *testing.T) {
	for _, s := range []string{"Нұрсұлтан Әбішұлы", "ӘҒҚҢӨҰҮҺІ", "plain"} {
		once := FoldKazakh(s)
		if twice := FoldKazakh(once); twice != once {
			t.Errorf("FoldKazakh not idempotent on %q: %q then %q", s, once, twice)
		}
	}
}

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{"", "Нұрсұлтан", "ЩЕРБАКОВ Ж.", "Ivanov", "\xff\xfe", "Ә", "ьЪ", "І\u0301"} {
		f.Add(s)
	}
}

func FuzzFoldKazakh(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		out := FoldKazakh(s)
		if !utf8.ValidString(out) {
			t.Fatalf("FoldKazakh(%q) = %q: not UTF-8", s, out)
		}
		if FoldKazakh(out) != out {
			t.Fatalf("FoldKazakh(%q) not idempotent", s)
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(out) != utf8.RuneCountInString(s) {
			t.Fatalf("FoldKazakh(%q) = %q changed the rune count", s, out)
		}
	})
}

func FuzzLatinICAO(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		out := LatinICAO(s)
		if !utf8.ValidString(out) {
			t.Fatalf("LatinICAO(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if _, ok := icaoTable.lookup(r); ok {
				t.Fatalf("LatinICAO(%q) = %q still holds %q", s, out, r)
			}
		}
	})
}

func FuzzLatin2021(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		out := Latin2021(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Latin2021(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if _, ok := latin2021Table.lookup(r); ok {
				t.Fatalf("Latin2021(%q) = %q still holds %q", s, out, r)
			}
		}
	})
}
