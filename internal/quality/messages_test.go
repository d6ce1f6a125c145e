package quality

import (
	"regexp"
	"slices"
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
		{list, "ru", "фамилия: Есимва отличается на одну букву от Есімова; по данным источника pop, запись R1"},
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

// testNames labels names as a contract would, in Russian.
type testNames struct{}

func (testNames) Attr(a string) string {
	return map[string]string{"card_status": "Статус карты", "national_id": "ИИН"}[a]
}
func (testNames) Source(s string) string { return "«" + s + "»" }
func (testNames) Agency(c string) string { return "ведомство " + c }
func (testNames) Value(a, v string) string {
	return map[string]string{"active": "действующая"}[v]
}

// TestRenderIn renders messages whose arguments carry names: with Names
// they read as labels, without they stay keys, and the ingest's reasons
// and nested messages follow the language.
func TestRenderIn(t *testing.T) {
	where := msgArg(whereMsg([]Cond{{Attr: "card_status", Values: []string{"active"}}}, "q.where.still"))
	death := death{date: "2024-01-02", source: "civil", record: "D1"}
	tests := []struct {
		m     Msg
		lang  string
		names Names
		want  string
	}{
		{msg("q.missing.reason", attrArg("national_id")), "ru", testNames{}, "Поле ИИН не заполнено"},
		{msg("q.missing.reason", attrArg("national_id")), "en", nil, "national_id is empty"},
		{msg("q.dead_active.reason", death.arg(), where), "ru", testNames{},
			"человек умер 2024-01-02 («civil», запись D1), однако Статус карты всё ещё «действующая»"},
		{msg("q.dead_active.reason", death.arg(), where), "en", nil,
			"the person died on 2024-01-02 (civil D1), yet card_status is still active"},
		{msg("q.valid.reason", attrArg("national_id"), "123", issueArg("iin: check digit does not match")), "kk", testNames{},
			"ИИН: 123 мәні жарамсыз (бақылау саны сәйкес емес)"},
		{msg("q.valid.reason", attrArg("national_id"), "123", issueArg("iin: check digit does not match")), "en", nil,
			"national_id 123 is invalid: iin: check digit does not match"},
		{msg("q.volume.fix", agencyArg("moh")), "ru", testNames{}, "уточните в ведомстве (ведомство moh), что выгрузка полная и не задвоена"},
		{msg("q.desc.unique", attrArg("national_id", "card_status")), "ru", testNames{},
			"ни у одной другой записи нет тех же значений полей: ИИН, Статус карты"},
	}
	for _, tt := range tests {
		if got := tt.m.RenderIn(tt.lang, tt.names); got != tt.want {
			t.Errorf("%s in %s: %q, want %q", tt.m.Key, tt.lang, got, tt.want)
		}
	}
	if got := ArgAttrs([]string{"5", attrArg("a", "b")}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("ArgAttrs: %v", got)
	}
}
