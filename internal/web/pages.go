package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// assets holds the templates and static files, so that the binary is the
// whole deployment.
//
//go:embed templates/*.html static/*
var assets embed.FS

// pageNames are the console's page templates; each is parsed together with
// templates/layout.html, which defines the frame and the shared parts.
// walletPageNames are the citizen's wallet pages, framed by
// templates/wallet_layout.html instead: the wallet shows one person their
// own data and none of the console.
var (
	pageNames       = []string{"index", "agency", "source", "entity", "cows", "exchange", "search", "worklist", "correction", "error"}
	walletPageNames = []string{"wallet_signin", "wallet_sms", "wallet_data", "wallet_access", "wallet_receipt",
		"wallet_consents", "wallet_corrections", "wallet_correct", "wallet_correction", "wallet_error"}
)

// Page rows shown at most, newest first. The pages are an overview; the API
// pages through the rest.
const (
	pageQuarantineRows = 100
	pageRuns           = 100
	// trendRuns is how many quality runs a trend chart shows.
	trendRuns = 30
)

// parsePages parses every page template now, so that a template mistake
// stops the server at start-up instead of failing one visitor later.
func parsePages(files fs.FS, static *staticFiles) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"static": static.url,
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		// lastDay is the last moment before an exclusive end: a consent
		// valid until the start of the 24th is shown as ending on the 23rd.
		"lastDay": func(t time.Time) time.Time { return t.Add(-time.Nanosecond) },
		"withL":   func(l locale, v any) withLocale { return withLocale{L: l, S: v} },
	}
	out := make(map[string]*template.Template, len(pageNames)+len(walletPageNames))
	layouts := map[string]string{}
	for _, name := range pageNames {
		layouts[name] = "templates/layout.html"
	}
	for _, name := range walletPageNames {
		layouts[name] = "templates/wallet_layout.html"
	}
	for name, layout := range layouts {
		t, err := template.New(name).Funcs(funcs).ParseFS(files, layout, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse templates: %w", err)
		}
		if t.Lookup("layout") == nil || t.Lookup("content") == nil {
			return nil, fmt.Errorf("parse templates: page %s: needs templates layout and content", name)
		}
		out[name] = t
	}
	return out, nil
}

// withLocale hands a shared template one value and the locale to show it
// in: {{template "score" (withL .L .Score)}}.
type withLocale struct {
	L locale
	S any
}

// checkPages renders every page once, empty, in every language, so that a
// template naming a missing field or static file also stops start-up: the
// parser cannot see those.
func checkPages(pages map[string]*template.Template) error {
	for _, lang := range languages {
		p := page{L: locale{Lang: lang.Code}}
		wp := walletPage{page: p, SignedIn: true}
		for name, data := range map[string]any{
			"wallet_signin":      walletSignInData{walletPage: walletPage{page: p}},
			"wallet_sms":         walletSMSData{walletPage: walletPage{page: p}},
			"wallet_data":        walletData{walletPage: wp},
			"wallet_access":      walletAccessData{walletPage: wp},
			"wallet_receipt":     walletReceiptData{walletPage: wp},
			"wallet_consents":    walletConsentData{walletPage: wp},
			"wallet_corrections": walletCorrectionsData{walletPage: wp},
			"wallet_correct":     correctionForm{walletPage: wp},
			"wallet_correction":  walletCorrectionData{walletPage: wp},
			"wallet_error":       walletErrorData{walletPage: wp},
			"correction":         correctionData{page: p},
			"index":              indexData{page: p},
			"agency":             agencyData{page: p},
			"source":             sourceData{page: p},
			"entity":             entityData{page: p},
			"cows":               cowsData{page: p},
			"exchange":           exchangeData{page: p},
			"search":             searchData{page: p},
			"worklist":           worklistData{page: p},
			"error":              errorData{page: p},
		} {
			if err := pages[name].ExecuteTemplate(io.Discard, "layout", data); err != nil {
				return fmt.Errorf("check templates: %w", err)
			}
		}
	}
	return nil
}

// page is what every page template gets.
type page struct {
	L       locale
	Title   string
	Version string
	DB      string
	Langs   []langLink
	// Nav names the header link of the page's section, marked current.
	Nav string
	// Query is the text in the header's search box.
	Query string
}

// langLink switches the page it is on to another language, keeping the
// page's other query parameters (a search, a work list's filters).
type langLink struct {
	Code, Name, Href string
	Current          bool
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request) page {
	l := locale{Lang: chooseLang(w, r)}
	p := page{L: l, Version: s.opts.Version, DB: s.st.Dialect()}
	q := r.URL.Query()
	for _, lang := range languages {
		q.Set("lang", lang.Code)
		p.Langs = append(p.Langs, langLink{Code: lang.Code, Name: lang.Name, Href: "?" + q.Encode(), Current: lang.Code == l.Lang})
	}
	return p
}

type errorData struct {
	page
	Heading, Detail string
}

// notFoundPage answers every path no route takes.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	s.render(w, r, http.StatusNotFound, "error",
		errorData{page: titled(p, "error.notfound"), Heading: p.L.T("error.notfound"), Detail: p.L.T("error.nopage")})
}

// errorPage shows err as a page: a missing source is a 404 in the reader's
// language; anything else is logged and shown as a short apology, since its
// text may name database internals.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, p page, err error) {
	switch {
	case isNotFound(err):
		s.render(w, r, http.StatusNotFound, "error", errorData{page: titled(p, "error.notfound"),
			Heading: p.L.T("error.notfound"), Detail: notFoundDetail(p.L, r)})
	case errors.Is(err, store.ErrSchemaOutdated):
		slog.ErrorContext(r.Context(), "schema outdated", "path", r.URL.Path, "err", err)
		s.render(w, r, http.StatusServiceUnavailable, "error", errorData{page: titled(p, "error.internal"),
			Heading: p.L.T("error.internal"), Detail: p.L.T("error.unavailable")})
	default:
		slog.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
		s.render(w, r, http.StatusInternalServerError, "error", errorData{page: titled(p, "error.internal"),
			Heading: p.L.T("error.internal"), Detail: p.L.T("error.internal.lead")})
	}
}

// notFoundDetail says what is missing, by the route's wildcard.
func notFoundDetail(l locale, r *http.Request) string {
	switch {
	case r.PathValue("source") != "":
		return l.F("error.nosource", r.PathValue("source"))
	case r.PathValue("agency") != "":
		return l.F("error.noagency", r.PathValue("agency"))
	case r.PathValue("entity") != "":
		return l.F("error.noentity", r.PathValue("entity"))
	case r.PathValue("finding") != "":
		return l.F("error.nofinding", r.PathValue("finding"))
	}
	return l.T("error.nopage")
}

func titled(p page, key string) page {
	p.Title = p.L.T(key)
	return p
}

// render executes the page into memory first, so that a failing template
// yields a clean error instead of half a page with a 200 status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
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

// staticFiles serves the embedded CSS and images under content-hashed URLs
// (/static/style.css?v=HASH), so browsers may keep them for a year and still
// see a changed file at once.
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	data  []byte
	hash  string
	ctype string
}

func loadStatic(files fs.FS, dir string) (*staticFiles, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	sf := &staticFiles{files: make(map[string]staticFile, len(entries))}
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

// url is the template function static: it fails template execution, and so
// the page tests, when a template names a file that does not exist.
func (sf *staticFiles) url(name string) (string, error) {
	f, ok := sf.files[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + f.hash, nil
}

func (sf *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
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
