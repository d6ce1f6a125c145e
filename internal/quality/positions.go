package quality

import (
	"iter"
	"math/bits"
	"time"
)

// Positions are the records of one source that a check counted, by their
// position in the source's Records, once per count. A full run over a
// nation keeps them for every check at once, so a record counted once
// costs a bit, not a pointer; the few counted again are listed.
type Positions struct {
	once  []uint64 // bit i: the record at position i was counted
	again []int32  // positions counted more than once, once per extra count
}

// add counts the record at position i.
func (p *Positions) add(i int) {
	w := i / 64
	if w >= len(p.once) {
		p.once = append(p.once, make([]uint64, w+1-len(p.once))...)
	}
	if bit := uint64(1) << (i % 64); p.once[w]&bit == 0 {
		p.once[w] |= bit
	} else {
		p.again = append(p.again, int32(i))
	}
}

// All yields the position of every count: each record counted once in
// increasing order, then those counted again. A nil p yields none.
func (p *Positions) All() iter.Seq[int] {
	return func(yield func(int) bool) {
		if p == nil {
			return
		}
		for w, word := range p.once {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				if !yield(w*64 + b) {
					return
				}
				word &^= 1 << b
			}
		}
		for _, i := range p.again {
			if !yield(int(i)) {
				return
			}
		}
	}
}

// Dues are the records of one source whose result may differ at a later
// as-of date than the run's, each with the first such date (see Result.Due),
// kept in eight bytes a record: at a nation's size most person records are
// due on some birthday.
type Dues struct {
	list []due
}

type due struct {
	pos int32 // the record's position in its source's Records
	day int32 // days since 1970-01-01
}

// add lists the record at position pos as due on day (YYYY-MM-DD). A day
// that is no date makes it due at once (1970-01-01): redone by the next
// run, which is never wrong, only more work.
func (d *Dues) add(pos int, day string) {
	var n int32
	if t, err := time.Parse(time.DateOnly, day); err == nil {
		n = int32(t.Unix() / secondsADay)
	}
	d.list = append(d.list, due{pos: int32(pos), day: n})
}

const secondsADay = 24 * 60 * 60

// All yields each record's position and its day (YYYY-MM-DD), in the
// order they were listed. A nil d yields none.
func (d *Dues) All() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		if d == nil {
			return
		}
		for _, x := range d.list {
			day := time.Unix(int64(x.day)*secondsADay, 0).UTC().Format(time.DateOnly)
			if !yield(int(x.pos), day) {
				return
			}
		}
	}
}
