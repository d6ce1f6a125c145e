package yamlerr

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestList(t *testing.T) {
	l := List{File: "q.yaml"}
	if l.Err() != nil {
		t.Fatal("an empty list is an error")
	}
	var doc yaml.Node
	l.YAML(yaml.Unmarshal([]byte("a: [1, 2\nb: 3\n"), &doc)) // a parser error, which yaml.v3 puts a line early
	l.AtLine(1, `source "x"`, "unknown key %q", "delimeter")
	l.At(nil, "", "missing sources:")
	err := l.Err()
	want := "q.yaml: missing sources:\n" +
		`q.yaml:1: source "x": unknown key "delimeter"` + "\n" +
		"q.yaml:2: did not find expected ',' or ']'"
	if err == nil || err.Error() != want {
		t.Fatalf("Err() =\n%v\nwant\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Line != 0 {
		t.Errorf("errors.As gives %+v", e)
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct{ w, want string }{
		{"delimeter", "delimiter"},
		{"misssing", "missing"},
		{"kind", "kind"},
		{"zzzzzz", ""},
	} {
		if got := Suggest(tc.w, []string{"delimiter", "missing", "kind"}); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.w, got, tc.want)
		}
	}
}
