package source

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const labelledContract = `
sources:
  - name: health_cards
    id: card
    title: {kk: Пациенттердің карталары, ru: Карты пациентов, en: Patient cards}
    description: Прикрепление к поликлиникам
    fields:
      national_id: {column: iin, label: {ru: ИИН пациента}}
      sex: gender
      card_status:
        column: status
        allowed: [active, closed]
        label: {kk: Карта мәртебесі, ru: Статус карты, en: Card status}
        value_labels:
          active: {kk: Белсенді, ru: Действующая, en: Active}
          closed: Закрыта
      clinic: {column: clinic, label: {ru: Поликлиника}}
      attached_date: attached
  - name: plain
    id: x
    title: Plain title
    fields:
      reg_no: x
`

func TestLabels(t *testing.T) {
	c := mustParse(t, labelledContract)
	// Labels travel with the registered contract.
	def, err := json.Marshal(c.Source("health_cards"))
	if err != nil {
		t.Fatal(err)
	}
	cards, err := Stored(-1, def)
	if err != nil {
		t.Fatal(err)
	}
	plain := c.Source("plain")
	var none *Source
	tests := []struct {
		name, got, want string
	}{
		{"title kk", cards.TitleIn("kk"), "Пациенттердің карталары"},
		{"title en", cards.TitleIn("en"), "Patient cards"},
		{"plain title in any language", plain.TitleIn("kk"), "Plain title"},
		{"plain title stored as Title", cards.Title, "Patient cards"},
		{"description without language", cards.DescriptionIn("kk"), "Прикрепление к поликлиникам"},
		{"no description", plain.DescriptionIn("ru"), ""},
		{"own label wins", cards.FieldLabel("card_status", "kk"), "Карта мәртебесі"},
		{"own label over canonical", cards.FieldLabel("national_id", "ru"), "ИИН пациента"},
		{"canonical where own lacks the language", cards.FieldLabel("national_id", "kk"), "ЖСН"},
		{"canonical label", cards.FieldLabel("sex", "ru"), "Пол"},
		{"canonical label of no source", none.FieldLabel("birth_date", "kk"), "Туған күні"},
		{"kk reader falls back to ru", cards.FieldLabel("clinic", "kk"), "Поликлиника"},
		{"unlabelled in words", cards.FieldLabel("attached_date", "ru"), "Attached date"},
		{"unknown attribute in words", plain.FieldLabel("reg_no", "en"), "Reg no"},
		{"value label", cards.ValueLabel("card_status", "active", "ru"), "Действующая"},
		{"value label without language", cards.ValueLabel("card_status", "closed", "en"), "Закрыта"},
		{"sex value", cards.ValueLabel("sex", "F", "kk"), "Әйел"},
		{"sex value of no source", none.ValueLabel("sex", "M", "ru"), "Мужской"},
		{"unlabelled value as is", cards.ValueLabel("clinic", "GP-5", "ru"), "GP-5"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}

	// national_id and sex have ortaq's labels in every language.
	wantMissing := []string{
		"description: kk, ru, en",
		"field card_status value closed: kk, ru, en",
		"field clinic: kk, en",
		"field attached_date: kk, ru, en",
	}
	if diff := cmp.Diff(wantMissing, cards.MissingLabels()); diff != "" {
		t.Errorf("MissingLabels (-want +got):\n%s", diff)
	}
}

func TestLabelErrors(t *testing.T) {
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown language", "sources: [{name: a, id: x, title: {kz: Атауы}}]", `unknown key "kz"`},
		{"label not text", "sources: [{name: a, id: x, fields: {b: {column: b, label: [x]}}}]", "label"},
		{"value not allowed", "sources: [{name: a, id: x, fields: {b: {column: b, allowed: [on], value_labels: {off: Өшірулі}}}}]",
			`value_labels: "off" is not one of allowed`},
		{"value labels not a mapping", "sources: [{name: a, id: x, fields: {b: {column: b, value_labels: [on]}}}]", "value_labels"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.yaml), "sources.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestHumanise(t *testing.T) {
	for in, want := range map[string]string{"card_status": "Card status", "": "", "_x_": "X", "ёлка": "Ёлка"} {
		if got := Humanise(in); got != want {
			t.Errorf("Humanise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalLabelsComplete(t *testing.T) {
	for _, attr := range []string{"national_id", "last_name", "first_name", "middle_name", "full_name", "birth_date",
		"sex", "address", "locality", "region", "postcode", "phone", "email"} {
		for _, lang := range Languages {
			if CanonicalLabel(attr, lang) == "" {
				t.Errorf("no %s label for canonical %s", lang, attr)
			}
		}
	}
}
