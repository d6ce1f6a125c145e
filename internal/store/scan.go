package store

import (
	"context"
	"fmt"
	"time"
)

// timeValue scans a timestamp from either dialect: SQLite returns the text
// written by timeArg, PostgreSQL a time.Time.
type timeValue struct{ t *time.Time }

func (v timeValue) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*v.t = time.Time{}
	case time.Time:
		*v.t = x.UTC()
	case string:
		return v.parse(x)
	case []byte:
		return v.parse(string(x))
	default:
		return fmt.Errorf("scan time: unexpected %T", src)
	}
	return nil
}

func (v timeValue) parse(s string) error {
	for _, layout := range []string{timeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			*v.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("scan time: cannot parse %q", s)
}

// jsonValue scans a JSON column (text in SQLite, jsonb in PostgreSQL) into
// bytes, keeping NULL as nil.
type jsonValue struct{ b *[]byte }

func (v jsonValue) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*v.b = nil
	case string:
		*v.b = []byte(x)
	case []byte:
		*v.b = append([]byte(nil), x...)
	default:
		return fmt.Errorf("scan json: unexpected %T", src)
	}
	return nil
}

// queryAll runs q (in the dialect's placeholders) and scans every row
// with scan.
func queryAll[T any](ctx context.Context, s *Store, q string, scan func(interface{ Scan(...any) error }) (T, error), args ...any) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
