package synth

import "github.com/ortaq/ortaq/internal/kz"

// deathWindow is how far back deaths go: people who died in the last five
// years are absent from the population register but still linger in other
// agencies' systems.
const deathWindow = 5

// settle completes the household starting at people[start]: wedding days,
// disabilities and deaths.
func (c *chunkGen) settle(start int32) {
	ps := c.people[start:]
	for i := range ps {
		if ps[i].sex == kz.Male && ps[i].spouse >= 0 {
			c.wedding(start, start+int32(i))
		}
	}
	for i := range ps {
		p := &ps[i]
		a := age(p.birth, c.asOf)
		c.disability(p, a)
		if chance(c.r, deathRate(a)) {
			lo := max(c.asOf.addYears(-deathWindow), p.birth+1)
			if p.spouse >= 0 {
				lo = max(lo, p.married+1)
			}
			for j := range ps {
				if k := &ps[j]; k.father == start+int32(i) || k.mother == start+int32(i) {
					lo = max(lo, k.birth)
				}
			}
			if hi := c.asOf - 1; lo <= hi {
				p.death = dayBetween(c.r, lo, hi)
			}
		}
	}
}

// deathRate is the chance that someone who would be a years old today died
// within the death window.
func deathRate(a int) float64 {
	switch {
	case a < 18:
		return 0.002
	case a < 40:
		return 0.007
	case a < 60:
		return 0.03
	case a < 70:
		return 0.09
	case a < 80:
		return 0.18
	}
	return 0.35
}

// wedding sets the wedding day of husband h and his wife (indices into the
// chunk; the household starts at start): a year or so before their eldest
// child, else some time after both came of age.
func (c *chunkGen) wedding(start, h int32) {
	ps := c.people[start:]
	hp, wp := &c.people[h], &c.people[c.people[h].spouse]
	lo := max(hp.birth.addYears(18), wp.birth.addYears(18))
	hi := c.asOf - 1
	eldest := noDate
	for j := range ps {
		if ps[j].father == h && ps[j].birth < eldest {
			eldest = ps[j].birth
		}
	}
	var m date
	if eldest != noDate {
		m = max(lo, eldest-date(between(c.r, 60, 1100)))
	} else {
		m = lo + date(between(c.r, 0, int(min(hi-lo, 15*365))))
	}
	m = min(m, hi)
	hp.married, wp.married = m, m
}

// disability sets a disability group for some people, more often with age.
// A child under 7 is a disabled child without a group (as the register and
// the benefit rules have it); from 7 on a group is set.
func (c *chunkGen) disability(p *person, a int) {
	var rate float64
	switch {
	case a < 18:
		rate = 0.012
	case a < 40:
		rate = 0.015
	case a < 60:
		rate = 0.04
	default:
		rate = 0.09
	}
	if !chance(c.r, rate) {
		return
	}
	if a < 7 {
		p.disab = childDisability
		return
	}
	switch u := c.r.Float64(); {
	case u < 0.12:
		p.disab = 1
	case u < 0.52:
		p.disab = 2
	default:
		p.disab = 3
	}
}
