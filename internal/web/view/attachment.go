package view

import (
	"mime"
	"net/http"
)

// SendAttachment sends a file a citizen uploaded as a download, never
// shown inline: it came from outside, so no browser may render it as part
// of the site.
func SendAttachment(w http.ResponseWriter, name, contentType string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
	w.Write(data)
}
