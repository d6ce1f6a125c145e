package quality

import (
	"regexp"
	"strings"
	"testing"
)

// TestMessagesComplete renders every message in every language with as
// many arguments as its English text takes, and fails on a missing
// language, a verb without its argument, or an argument without its verb.
func TestMessagesComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[(\d+)\])?s`)
	count := func(text string) int {
		n, next := 0, 0
		for _, m := range verbs.FindAllStringSubmatch(text, -1) {
			i := next + 1
			if m[2] != "" {
				i = int(m[2][0]-'0') + 0
				if len(m[2]) > 1 {
					i = 10*i + int(m[2][1]-'0')
				}
			}
			next = i
			n = max(n, i)
		}
		return n
	}
	for key, texts := range Messages {
		for _, lang := range []string{"kk", "ru", "en"} {
			if texts[lang] == "" {
				t.Errorf("%s: no %s text", key, lang)
			}
		}
		n := count(texts["en"])
		for lang, text := range texts {
			if got := count(text); got != n {
				t.Errorf("%s %s takes %d arguments, English %d", key, lang, got, n)
			}
			args := make([]string, n)
			for i := range args {
				args[i] = "ARG"
			}
			if out := Render(lang, key, args); strings.Contains(out, "%!") {
				t.Errorf("%s %s: %q", key, lang, out)
			}
		}
	}
}

func TestRender(t *testing.T) {
	list := msgList([]Msg{msg("q.name.letter", "@q.part.surname", "Есимва", "Есімова"), msg("q.name.source", "pop", "R1")})
	tests := []struct {
		m    Msg
		lang string
		want string
	}{
		{msg("q.missing.reason", "national_id"), "ru", "Поле national_id не заполнено"},
		{msg("q.missing.reason", "national_id"), "xx", "national_id is empty"},
		{msg("no.such.key", "a", "b"), "kk", "no.such.key a b"},
		{list, "ru", "фамилия: Есимва отличается на одну букву от Есімова; по данным pop, запись R1"},
		{list, "en", "surname Есимва differs by a letter from Есімова; as pop R1 writes it"},
		{msg("q.duplicates.fix", "C2, C3", "C1", "@q.keep.valid_iin"), "kk",
			"C2, C3 жазбаларын негізгі C1 жазбасына біріктіріңіз (ЖСН дұрыс жазба)"},
		// A value that only looks like a word key stays as it is.
		{msg("q.missing.reason", "@q.missing.reason"), "en", "@q.missing.reason is empty"},
	}
	for _, tt := range tests {
		if got := tt.m.Render(tt.lang); got != tt.want {
			t.Errorf("%s in %s: %q, want %q", tt.m.Key, tt.lang, got, tt.want)
		}
	}
}
