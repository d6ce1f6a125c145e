package quality

import (
	"encoding/json"
	"strings"
)

// Names writes in the reader's language the names a message's arguments
// carry: attributes, sources, agencies and coded values, which a check
// knows only by their keys ("card_status", "health_cards", "moh",
// "active"). The web layer implements it from the source contracts; with
// no Names, Render writes the keys themselves.
type Names interface {
	// Attr is the label of attribute attr.
	Attr(attr string) string
	// Source is the title of the source named name.
	Source(name string) string
	// Agency is the name of the agency with code code.
	Agency(code string) string
	// Value is how coded value value of attribute attr reads.
	Value(attr, value string) string
}

// Argument markers: an argument of a Msg that starts with one of these is
// a name, rendered through Names, rather than data shown as it is. A list
// of attributes or sources is written with commas after its marker.
const (
	attrMark   = "@attr:"
	sourceMark = "@source:"
	agencyMark = "@agency:"
	valueMark  = "@value:" // attr=value
	msgMark    = "@msg:"   // a Msg as JSON, rendered in the same language
)

// attrArg marks attribute names (one or a list) as a message argument.
func attrArg(attrs ...string) string { return attrMark + strings.Join(attrs, ",") }

// sourceArg marks source names (one or a list) as a message argument.
func sourceArg(names ...string) string { return sourceMark + strings.Join(names, ",") }

// agencyArg marks an agency code as a message argument.
func agencyArg(code string) string { return agencyMark + code }

// valueArg marks coded values of attr (one or a list) as a message
// argument.
func valueArg(attr string, values ...string) string {
	return valueMark + attr + "=" + strings.Join(values, ",")
}

// msgArg nests a message as an argument of another.
func msgArg(m Msg) string {
	b, _ := json.Marshal(m) // a struct of strings always marshals
	return msgMark + string(b)
}

// RenderIn is Render with names written by names (which may be nil).
func RenderIn(lang, key string, args []string, names Names) string {
	return render(lang, key, args, names)
}

// RenderIn writes the message in lang with names written by names.
func (m Msg) RenderIn(lang string, names Names) string { return render(lang, m.Key, m.Args, names) }

// arg renders one argument: a marked name through names, a nested
// message or word key in lang, anything else as it is.
func arg(lang, a string, names Names) string {
	list := func(s string, name func(string) string) string {
		parts := strings.Split(s, ",")
		for i, p := range parts {
			if names != nil {
				parts[i] = name(p)
			}
		}
		return strings.Join(parts, ", ")
	}
	switch {
	case strings.HasPrefix(a, attrMark):
		return list(a[len(attrMark):], func(s string) string { return names.Attr(s) })
	case strings.HasPrefix(a, sourceMark):
		return list(a[len(sourceMark):], func(s string) string { return names.Source(s) })
	case strings.HasPrefix(a, agencyMark):
		if names == nil {
			return a[len(agencyMark):]
		}
		return names.Agency(a[len(agencyMark):])
	case strings.HasPrefix(a, valueMark):
		attr, vs, _ := strings.Cut(a[len(valueMark):], "=")
		return list(vs, func(v string) string { return names.Value(attr, v) })
	case strings.HasPrefix(a, issueMark):
		return renderIssue(lang, a[len(issueMark):])
	case strings.HasPrefix(a, msgMark):
		var m Msg
		if json.Unmarshal([]byte(a[len(msgMark):]), &m) == nil && m.Key != "" {
			return render(lang, m.Key, m.Args, names)
		}
	}
	if w, ok := strings.CutPrefix(a, "@"); ok && isWordKey(w) {
		return render(lang, w, nil, names)
	}
	return a
}

// ArgAttrs returns the attributes named by the first argument of args that
// names attributes: what a check judges, read from its description's
// arguments.
func ArgAttrs(args []string) []string {
	for _, a := range args {
		if s, ok := strings.CutPrefix(a, attrMark); ok && s != "" {
			return strings.Split(s, ",")
		}
	}
	return nil
}
