package welfare

import "testing"

// TestDocumentName keeps an appeal document's name readable as it is:
// no path, no control or bidirectional characters.
func TestDocumentName(t *testing.T) {
	for in, want := range map[string]string{
		"scan.pdf":                  "scan.pdf",
		"../../etc/passwd":          "....etcpasswd",
		"a\r\nContent-Type: x.pdf":  "aContent-Type: x.pdf",
		"scan\u202efdp.exe":         "scanfdp.exe",
		"\u200b\ufeffчек\u2028.png": "чек.png",
		"\u0085\u2066x\u2069.jpg":   "x.jpg",
		"\u202e":                    "document",
	} {
		if got := documentName(in); got != want {
			t.Errorf("documentName(%q) = %q, want %q", in, got, want)
		}
	}
}
