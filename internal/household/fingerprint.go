package household

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"
	"time"
)

// fingerprint hashes the values of p a decision can read: the date, the
// region, and every member's values in order. Provenance (record ids,
// versions, extract dates) is left out on purpose: a register sent again
// unchanged, or with a newer as-of date, changes no fact, and must not
// make every household look changed to the incremental runner.
func fingerprint(p *Profile) string {
	f := fingerprinter{h: sha256.New()}
	f.str(p.ID)
	f.date(p.AsOf)
	f.str(p.Region.Value)
	f.num(int64(len(p.Members)))
	for i := range p.Members {
		m := &p.Members[i]
		f.str(m.Entity)
		f.str(m.IIN)
		f.str(m.Role.Value)
		f.str(m.Tie.Value)
		f.date(m.BirthDate.Value)
		if d := m.Disability.Value; d != nil {
			f.num(int64(d.Group))
			f.str(d.Cause)
		} else {
			f.num(-1)
		}
		months := make([]string, 0, len(m.Income))
		for k := range m.Income {
			months = append(months, k)
		}
		slices.Sort(months)
		f.num(int64(len(months)))
		for _, k := range months {
			f.str(k)
			f.str(m.Income[k].Value)
		}
		f.str(m.Income24m.Value)
		f.str(m.AvgIncome24m.Value)
		for _, b := range []bool{m.Insured.Value, m.Employed.Value, m.Student.Value, m.Pupil.Value, m.Carer.Value, m.HealthCard.Value} {
			f.flag(b)
		}
		f.num(int64(m.Livestock.Value))
	}
	return hex.EncodeToString(f.h.Sum(nil))
}

// fingerprinter writes values length-prefixed, so that no two sequences
// of values hash alike by running into each other.
type fingerprinter struct {
	h   hash.Hash
	buf []byte
}

func (f *fingerprinter) str(s string) {
	f.buf = strconv.AppendInt(f.buf[:0], int64(len(s)), 10)
	f.buf = append(f.buf, ':')
	f.buf = append(f.buf, s...)
	f.h.Write(f.buf)
}

func (f *fingerprinter) num(n int64) {
	f.buf = strconv.AppendInt(f.buf[:0], n, 10)
	f.buf = append(f.buf, ';')
	f.h.Write(f.buf)
}

func (f *fingerprinter) date(t time.Time) { f.num(t.Unix()) }

func (f *fingerprinter) flag(b bool) {
	if b {
		f.num(1)
	} else {
		f.num(0)
	}
}
