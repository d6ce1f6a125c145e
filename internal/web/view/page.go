package view

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

// Page is what every page template gets: the frame's facts and the
// reader's language.
type Page struct {
	L       Locale
	Title   string
	Version string
	DB      string
	Langs   []LangLink
	// Nav names the header link of the page's section, marked current.
	Nav string
	// Query is the text in the header's search box.
	Query string
	// Who is the signed-in official a console page is shown to; nil on
	// pages no one is signed in to.
	Who *Who
}

// Who is the official a console page is shown to, as its header names
// them: what they are reading under and the form that signs them out.
type Who struct {
	Name, Login string
	// Agency is the official's agency's name in the reader's language.
	Agency string
	// Roles are the official's roles in the reader's language.
	Roles []string
	// Case and Reason are the stated case and its reason, in the reader's
	// language; empty until stated.
	Case, Reason string
	// CSRF is the token the official's forms carry.
	CSRF string
	// Can lists the sections the official may open, by Nav name.
	Can map[string]bool
}

// LangLink switches the page it is on to another language, keeping the
// page's other query parameters (a search, a work list's filters).
type LangLink struct {
	Code, Name, Href string
	Current          bool
}

// NewPage starts a page in the reader's language, with links to the same
// page in the others.
func NewPage(w http.ResponseWriter, r *http.Request, version, db string) Page {
	l := Locale{Lang: ChooseLang(w, r)}
	p := Page{L: l, Version: version, DB: db}
	q := r.URL.Query()
	for _, lang := range Languages {
		q.Set("lang", lang.Code)
		p.Langs = append(p.Langs, LangLink{Code: lang.Code, Name: lang.Name, Href: "?" + q.Encode(), Current: lang.Code == l.Lang})
	}
	return p
}

// Titled returns p with the title of message key.
func (p Page) Titled(key string) Page {
	p.Title = p.L.T(key)
	return p
}

// WithLocale hands a shared template one value and the locale to show it
// in: {{template "score" (withL .L .Score)}}.
type WithLocale struct {
	L Locale
	S any
}

// Templates are one audience's pages, each parsed with that audience's
// layout, which defines the frame and the shared parts.
type Templates struct {
	pages map[string]*template.Template
}

// ParseTemplates parses templates/NAME.html for every name, each together
// with the layout and the shared partials (this package's templates), now, so that a template mistake stops the server at
// start-up instead of failing one visitor later. Templates may call
// static, iso, lastDay and withL, and whatever funcs adds.
func ParseTemplates(files fs.FS, layout string, names []string, static *Static, funcs template.FuncMap) (*Templates, error) {
	all := template.FuncMap{
		"static": static.URL,
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		// lastDay is the last moment before an exclusive end: a consent
		// valid until the start of the 24th is shown as ending on the 23rd.
		"lastDay": func(t time.Time) time.Time { return t.Add(-time.Nanosecond) },
		"withL":   func(l Locale, v any) WithLocale { return WithLocale{L: l, S: v} },
	}
	for k, v := range funcs {
		all[k] = v
	}
	t := &Templates{pages: make(map[string]*template.Template, len(names))}
	for _, name := range names {
		p, err := template.New(name).Funcs(all).ParseFS(files, layout, "templates/"+name+".html")
		if err == nil {
			p, err = p.ParseFS(partials, "templates/*.html")
		}
		if err != nil {
			return nil, fmt.Errorf("parse templates: %w", err)
		}
		if p.Lookup("layout") == nil || p.Lookup("content") == nil {
			return nil, fmt.Errorf("parse templates: page %s: needs templates layout and content", name)
		}
		t.pages[name] = p
	}
	return t, nil
}

// Check renders every page once with the data samples gives it (one per
// page, in every language), so that a template naming a missing field or
// static file also stops start-up: the parser cannot see those.
func (t *Templates) Check(samples func(p Page) map[string]any) error {
	for _, lang := range Languages {
		data := samples(Page{L: Locale{Lang: lang.Code}})
		for name := range t.pages {
			d, ok := data[name]
			if !ok {
				return fmt.Errorf("check templates: no sample data for page %s", name)
			}
			if err := t.pages[name].ExecuteTemplate(io.Discard, "layout", d); err != nil {
				return fmt.Errorf("check templates: %w", err)
			}
		}
	}
	return nil
}

// Render executes the page into memory first, so that a failing template
// yields a clean error instead of half a page with a 200 status.
func (t *Templates) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	p, ok := t.pages[name]
	if !ok {
		slog.ErrorContext(r.Context(), "render page", "page", name, "err", "no such template")
		http.Error(w, "internal error; the server log has the details", http.StatusInternalServerError)
		return
	}
	if err := p.ExecuteTemplate(&buf, "layout", data); err != nil {
		slog.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "internal error; the server log has the details", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The numbers change with every ingest run, and the language follows
	// the cookie and Accept-Language. A page that set a stricter rule
	// (the wallet's no-store) keeps it.
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Msg marks a message key that code hands on before a template shows it,
// so that the catalogue tests find it.
func Msg(key string) string { return key }
