package view

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
)

// Why CheckForm refuses a form.
const (
	// FormCrossSite: the browser marked the request cross-site.
	FormCrossSite = iota + 1
	// FormUnreadable: the body is not a form, or is malformed.
	FormUnreadable
	// FormTooBig: the body is over the limit.
	FormTooBig
	// FormForged: the form lacks the session's CSRF token.
	FormForged
)

// CheckForm guards a signed-in session's form: the browser must not mark
// it cross-site (cop), it is parsed within limit bytes (multipart forms
// too), and it must carry want, the session's CSRF token, which only a
// page shown to that session knows. It returns 0, or why it refused, for
// the caller to answer in its own frame (403 for FormCrossSite and
// FormForged, 400 otherwise).
func CheckForm(w http.ResponseWriter, r *http.Request, cop *http.CrossOriginProtection, want string, limit int64) int {
	if err := cop.Check(r); err != nil {
		slog.WarnContext(r.Context(), "cross-site form refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		return FormCrossSite
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return FormTooBig
		}
		return FormUnreadable
	}
	if got := r.PostFormValue("csrf"); want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		slog.WarnContext(r.Context(), "form without its session's token refused", "path", r.URL.Path)
		return FormForged
	}
	return 0
}
