package store

import (
	"strconv"
	"strings"
	"time"
)

// dialect holds what differs between SQLite and PostgreSQL outside the
// migrations and the bulk path.
type dialect struct {
	name string
	// positional reports whether placeholders are $1, $2… instead of ?.
	positional bool
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{name: "postgres", positional: true}
)

// rebind turns the portable "?" placeholders into the dialect's own. Queries
// in this package never contain a literal "?" outside placeholders.
func (d dialect) rebind(q string) string {
	if !d.positional {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// timeLayout is how SQLite stores timestamps: UTC, fixed width, so that text
// order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// timeArg converts a timestamp to the value the driver stores best: text for
// SQLite (the driver's own formatting is slow in bulk and not sortable),
// time.Time for PostgreSQL.
func (d dialect) timeArg(t time.Time) any {
	if d.positional {
		return t
	}
	return t.UTC().Format(timeLayout)
}
