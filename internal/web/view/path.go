package view

import (
	"net/url"
	"strings"
)

// form cannot be made to send the officer elsewhere.
func LocalPath(back string) bool {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n#") {
		return false
	}
	u, err := url.Parse(back)
	return err == nil && u.Scheme == "" && u.Host == ""
}
