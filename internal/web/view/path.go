package view

import (
	"net"
	"net/http"
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

// PlainHTTPElsewhere reports whether the page came over plain HTTP to a
// host other than this machine, where browsers drop Secure cookies, so
// signing in cannot work: the page says so instead of failing silently.
func PlainHTTPElsewhere(r *http.Request) bool {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return false
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
