package view

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// assets holds the style sheet and images every audience's pages share,
// so that the binary is the whole deployment.
//
//go:embed static/*
var assets embed.FS

// partials are the templates every audience's pages share (a benefits
// decision explained), parsed with each page after its layout.
//
//go:embed templates/*.html
var partials embed.FS

// Static serves the embedded CSS and images under content-hashed URLs
// (/static/style.css?v=HASH), so browsers may keep them for a year and still
// see a changed file at once. It is safe for concurrent use.
type Static struct {
	files map[string]staticFile
}

type staticFile struct {
	data  []byte
	hash  string
	ctype string
}

// NewStatic reads the shared static files.
func NewStatic() (*Static, error) { return LoadStatic(assets, "static") }

// LoadStatic reads the files of dir in files; tests hand it broken trees.
func LoadStatic(files fs.FS, dir string) (*Static, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	sf := &Static{files: make(map[string]staticFile, len(entries))}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(files, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("static files: %w", err)
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		sf.files[e.Name()] = staticFile{data: data, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
	}
	return sf, nil
}

// URL is the template function static: it fails template execution, and
// so the page tests, when a template names a file that does not exist.
func (sf *Static) URL(name string) (string, error) {
	f, ok := sf.files[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + f.hash, nil
}

// ServeHTTP answers GET /static/{file}.
func (sf *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := sf.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or missing hash must not pin today's file for a year.
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}
