package console

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/view"
)

// TestNewChecksTemplates proves a broken template, or one naming a static
// file that does not exist, stops start-up.
func TestNewChecksTemplates(t *testing.T) {
	st := storetest.SQLite(t)
	static, err := view.NewStatic()
	if err != nil {
		t.Fatal(err)
	}
	good := func() fstest.MapFS {
		fsys := fstest.MapFS{}
		for _, p := range append(pageNames, "layout") {
			name := "templates/" + p + ".html"
			b, err := fs.ReadFile(templates, name)
			if err != nil {
				t.Fatal(err)
			}
			fsys[name] = &fstest.MapFile{Data: b}
		}
		return fsys
	}
	if _, err := newServer(st, static, Options{}, good()); err != nil {
		t.Fatalf("embedded templates copied: %v", err)
	}
	for name, breakIt := range map[string]func(fstest.MapFS){
		"syntax error": func(f fstest.MapFS) {
			f["templates/index.html"].Data = []byte(`{{define "content"}}{{if .Empty}}{{end}`)
		},
		"unknown function": func(f fstest.MapFS) {
			f["templates/source.html"].Data = []byte(`{{define "content"}}{{nosuch .}}{{end}}`)
		},
		"no content": func(f fstest.MapFS) { f["templates/error.html"].Data = []byte(`{{define "body"}}{{end}}`) },
		"unknown field": func(f fstest.MapFS) {
			f["templates/error.html"].Data = []byte(`{{define "content"}}{{.Nosuch}}{{end}}`)
		},
		"missing static": func(f fstest.MapFS) {
			f["templates/error.html"].Data = []byte(`{{define "content"}}{{static "nosuch.png"}}{{end}}`)
		},
		"missing page": func(f fstest.MapFS) { delete(f, "templates/error.html") },
	} {
		t.Run(name, func(t *testing.T) {
			fsys := good()
			breakIt(fsys)
			if _, err := newServer(st, static, Options{}, fsys); err == nil {
				t.Error("newServer accepted broken templates")
			}
		})
	}
	if _, err := New(nil, static, Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}
