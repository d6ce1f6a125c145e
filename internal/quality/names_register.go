package quality

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/names"
)

// personName is a name divided into surname, first name and middle name,
// in the spelling of its record.
type personName struct {
	parts  [3]string
	full   string // the parts joined with single spaces
	source string
	record string
	kazakh int // Kazakh-only letters in full (register names only)
}

// partKeys are the name parts as message arguments (see isWordKey).
var partKeys = [3]string{"@q.part.surname", "@q.part.first", "@q.part.middle"}

// nameFields returns the attributes holding a source's names: the given
// ones, else last_name, first_name and middle_name when the contract maps
// them, else full_name.
func nameFields(s *golden.Source, given []string) []string {
	if len(given) > 0 {
		return given
	}
	attrs := attributes(s)
	var out []string
	for _, a := range []string{"last_name", "first_name", "middle_name"} {
		if slices.Contains(attrs, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		out = []string{"full_name"}
	}
	return out
}

// nameOf reads a record's name from fields: one field holds a full name
// (ФИО), several hold the parts in the order surname, first, middle.
func nameOf(r *golden.Record, fields []string) (personName, bool) {
	var n personName
	if len(fields) == 1 {
		n.full = strings.Join(strings.Fields(r.Attrs.Get(fields[0])), " ")
		if n.full == "" {
			return n, false
		}
		p := names.Split(n.full)
		n.parts = [3]string{p.Last, p.First, p.Middle}
		return n, true
	}
	var b strings.Builder
	for i, f := range fields[:min(len(fields), 3)] {
		v := strings.TrimSpace(r.Attrs.Get(f))
		n.parts[i] = v
		if v != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v)
		}
	}
	n.full = b.String()
	return n, n.full != ""
}

// registerNames indexes the names one register holds by key, the first
// record by id winning, so that the choice never depends on load order.
// Each register has one index, whichever checks and lists name it.
func (x *env) registerNames(register, key string, fields []string) map[string]*personName {
	id := "names\x1f" + register + "\x1f" + key + "\x1f" + strings.Join(fields, ",")
	return shared(x, id, func() map[string]*personName {
		reg := x.ds.Source(register)
		fields := nameFields(reg, fields)
		out := make(map[string]*personName, len(reg.Records))
		for i := range reg.Records {
			r := &reg.Records[i]
			k, ok := value(r, key)
			if !ok || out[k] != nil {
				continue
			}
			if n, ok := nameOf(r, fields); ok {
				n.source, n.record, n.kazakh = reg.Name, r.RecordID, kazakhLetters(n.full)
				out[k] = &n
			}
		}
		return out
	})
}

// namePairs calls fn with each record that has a name, its name and the
// register's name of the same person, found by the key: the record's own
// value when valid and known to a register (an IIN naming someone else is
// then a name mismatch, as it should be), else its entity's golden value;
// the first register that knows the key wins. A name written exactly as
// the register writes it comes with only its full form: most records do,
// and they are passed without splitting.
func (x *env) namePairs(s *golden.Source, c *Check, fn func(r *golden.Record, rec personName, reg *personName)) {
	key := cmp.Or(c.Key, "national_id")
	indexes := make([]map[string]*personName, len(c.Register))
	for i, name := range c.Register {
		indexes[i] = x.registerNames(name, key, c.RegisterFields)
	}
	find := func(k string) *personName {
		for _, index := range indexes {
			if n := index[k]; n != nil {
				return n
			}
		}
		return nil
	}
	fields := c.fields()
	for r := range records(s, c) {
		var reg *personName
		if k, ok := value(r, key); ok {
			reg = find(k)
		}
		if reg == nil {
			if k := x.entityValue(r, key); k != "" {
				reg = find(k)
			}
		}
		if reg == nil {
			continue
		}
		if len(fields) == 1 && r.Attrs.Get(fields[0]) == reg.full {
			fn(r, personName{full: reg.full}, reg)
			continue
		}
		rec, ok := nameOf(r, fields)
		if !ok {
			continue
		}
		if len(fields) == 1 && rec.full != reg.full {
			align(&rec, reg)
		}
		fn(r, rec, reg)
	}
}

// align reconsiders how a full name was split, given the register's
// parts. Split reads the parts from word endings alone and can misread a
// name without a patronymic ("Mustafina Zhansulu" ends like a Kyrgyz
// patronymic); when the record has as many words as the register's name,
// the words are also laid over the register's parts in order, and the
// reading closer to the register wins.
func align(rec *personName, reg *personName) {
	words := strings.Fields(rec.full)
	var laid [3]string
	n := 0
	for i, part := range reg.parts {
		k := len(strings.Fields(part))
		if n+k > len(words) {
			return
		}
		laid[i] = strings.Join(words[n:n+k], " ")
		n += k
	}
	if n != len(words) || laid == rec.parts {
		return
	}
	if partsDistance(laid, reg.parts) < partsDistance(rec.parts, reg.parts) {
		rec.parts = laid
	}
}

// partsDistance sums the letters by which the parts differ; a part present
// on one side only counts as its length.
func partsDistance(a, b [3]string) int {
	d := 0
	for i := range 3 {
		switch {
		case a[i] == "" && b[i] == "":
		case a[i] == "" || b[i] == "":
			d += len([]rune(a[i] + b[i]))
		default:
			d += nameDistance(a[i], b[i])
		}
	}
	return d
}
