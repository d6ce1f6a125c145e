package quality

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
)

// OverRecords reports whether checks of kind look at records one by one
// (their Total counts records, each finding names one) rather than at a
// whole source's loads, columns or quarantine.
func OverRecords(kind string) bool {
	k := kinds[kind]
	return k != nil && k.records
}

// Kinds returns the name of every kind of check, sorted.
func Kinds() []string { return kindNames() }

// KeyFields returns, for every source, the sets of fields through which
// the checks of cfg tie one record's result to other records': the
// fields whose values a uniqueness or group-size check compares between
// records, a reference or name check looks up in a register (on both
// sides), and a death check looks up by IIN. A record's result can change
// only when its own values, the golden record of its entity, or a record
// sharing one of these values (all fields of a set together) changes; an
// incremental run redoes those records (scorecard). Each set is sorted;
// sets are listed once per source.
func (c *Config) KeyFields(ds *golden.Dataset) map[string][][]string {
	out := map[string][][]string{}
	add := func(src string, fields ...string) {
		set := slices.Clone(fields)
		slices.Sort(set)
		set = slices.DeleteFunc(set, func(f string) bool { return f == "" })
		if len(set) == 0 || slices.ContainsFunc(out[src], func(s []string) bool { return slices.Equal(s, set) }) {
			return
		}
		out[src] = append(out[src], set)
	}
	for _, src := range ds.Sources {
		for _, ch := range c.checksOf(src.Name) {
			switch ch.Kind {
			case "unique":
				add(src.Name, ch.fields()...)
			case "group_size":
				add(src.Name, ch.By)
			case "reference":
				add(src.Name, ch.Field)
				for _, reg := range ch.Register {
					add(reg, ch.attribute())
				}
			case "dead_reference":
				add(src.Name, ch.Field)
			case "dead_active", "after_death":
				add(src.Name, ch.Person)
			case "name_mismatch", "kazakh_folded":
				key := cmp.Or(ch.Key, "national_id")
				add(src.Name, key)
				for _, reg := range ch.Register {
					add(reg, key)
				}
				// A record without a key of its own is looked up by its
				// entity's golden value, which any record of the entity may
				// give.
				for _, other := range ds.Sources {
					if other.Entity == src.Entity {
						add(other.Name, key)
					}
				}
			}
		}
	}
	return out
}

// checksOf returns the checks that run on the source.
func (c *Config) checksOf(source string) []*Check {
	var out []*Check
	for i := range c.All {
		out = append(out, &c.All[i])
	}
	for i := range c.Sources {
		if sc := &c.Sources[i]; sc.Source == source {
			for j := range sc.Checks {
				out = append(out, &sc.Checks[j])
			}
		}
	}
	return out
}

// KeyValue returns the value a record holds for a set of KeyFields, as
// the checks compare it, and false when one of the fields is empty.
func KeyValue(r *golden.Record, fields []string) (string, bool) {
	if len(fields) == 1 {
		v := r.Attrs.Get(fields[0])
		return v, v != ""
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		if parts[i] = r.Attrs.Get(f); parts[i] == "" {
			return "", false
		}
	}
	return strings.Join(parts, "\x1f"), true
}

// Fingerprint names the checks of cfg as they run, in their order, with
// every parameter and the as-of date: two configurations with the same
// fingerprint give the same results over the same data.
func (c *Config) Fingerprint() string {
	var b strings.Builder
	fmt.Fprintf(&b, "as_of %s\n", c.AsOf.UTC().Format(time.RFC3339Nano))
	write := func(source string, ch *Check) {
		fmt.Fprintf(&b, "%q %q %q %q %q %q %q\n", source, ch.Name, ch.Kind, ch.Dimension, ch.Severity, ch.Description,
			ch.paramString())
	}
	for i := range c.All {
		write("*", &c.All[i])
	}
	for _, sc := range c.Sources {
		for i := range sc.Checks {
			write(sc.Source, &sc.Checks[i])
		}
	}
	return b.String()
}
