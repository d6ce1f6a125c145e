package synth

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/progress"
)

// person is one member of the synthetic nation, alive or dead: the truth the
// agency extracts are drawn from.
type person struct {
	iin     string
	last    string // surname, gendered
	first   string
	middle  string // patronymic, "" when none
	birth   date
	death   date // noDate while alive
	married date // wedding day when spouse >= 0
	hh      int32
	spouse  int32 // index into world.people, -1 when none
	father  int32 // -1 when not in the household
	mother  int32
	phone   int64 // ten digits 7xxxxxxxxx, 0 when none
	sex     kz.Sex
	eth     ethnicity
	role    role
	disab   uint8 // disability group 1-3, childDisability, or 0
}

func (p *person) alive() bool { return p.death == noDate }

// role is a person's place in the household.
type role uint8

const (
	roleHead role = iota
	roleSpouse
	roleChild
	roleParent // the head's parent
)

func (r role) String() string {
	return [...]string{"head", "spouse", "child", "parent"}[r]
}

// childDisability marks a disabled child under 7 (no group is set then).
const childDisability = 4

// household is a group of people living at one address.
type household struct {
	first, n int32 // members are people[first : first+n]
	addr     address
	kind     hhKind
}

// world is the whole synthetic nation.
type world struct {
	seed   int64
	asOf   date
	geo    *geo
	people []person
	hhs    []household
	dead   []int32 // indices of the dead, in order
}

func (w *world) members(h *household) []person { return w.people[h.first : h.first+h.n] }

// chunkPeople is how many people one generation chunk holds. It is fixed, not
// derived from the number of CPUs, so output does not depend on parallelism.
const chunkPeople = 16384

// buildWorld generates people and households in parallel chunks, each with
// its own random stream, then assigns identifiers in one sequential pass.
func buildWorld(ctx context.Context, opts Options, asOf date) (*world, error) {
	g := newGeo()
	nChunks := (opts.People + chunkPeople - 1) / chunkPeople
	chunks := make([]*chunkGen, nChunks)
	bar := progress.New(opts.Progress, "people", int64(opts.People))
	var (
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				quota := min(chunkPeople, opts.People-i*chunkPeople)
				c := &chunkGen{r: newRand(opts.Seed, "households", i), geo: g, asOf: asOf}
				c.fill(quota)
				chunks[i] = c
				bar.Add(int64(quota))
			}
		}()
	}
	for i := range nChunks {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bar.Finish()

	w := &world{seed: opts.Seed, asOf: asOf, geo: g}
	w.people = make([]person, 0, opts.People)
	for _, c := range chunks {
		po, ho := int32(len(w.people)), int32(len(w.hhs))
		for _, p := range c.people {
			p.hh += ho
			for _, ref := range []*int32{&p.spouse, &p.father, &p.mother} {
				if *ref >= 0 {
					*ref += po
				}
			}
			w.people = append(w.people, p)
		}
		for _, h := range c.hhs {
			h.first += po
			w.hhs = append(w.hhs, h)
		}
	}
	if len(w.people) != opts.People {
		return nil, fmt.Errorf("synth: generated %d people, want %d", len(w.people), opts.People)
	}
	if err := w.assignIdentity(); err != nil {
		return nil, err
	}
	for i := range w.people {
		if !w.people[i].alive() {
			w.dead = append(w.dead, int32(i))
		}
	}
	return w, nil
}

// phoneOperators are Kazakhstan's mobile prefixes.
var phoneOperators = []int64{700, 701, 702, 705, 707, 708, 747, 771, 775, 776, 777, 778}

// assignIdentity gives every person a unique valid IIN and most a unique
// mobile phone. IIN serials count up per birth date and sex from a seeded
// start; phone numbers are drawn at random and redrawn when taken.
func (w *world) assignIdentity() error {
	r := newRand(w.seed, "identity", 0)
	const perOperator = 10_000_000
	taken := make([]uint64, (len(phoneOperators)*perOperator+63)/64)
	epoch := mkDate(1800, 1, 1)
	next := make([]uint16, 2*int(w.asOf-epoch+1))
	for i := range w.people {
		p := &w.people[i]
		key := 2 * int(p.birth-epoch)
		if p.sex == kz.Female {
			key++
		}
		serial := int(next[key])
		if serial == 0 {
			serial = 1 + int(splitmix(uint64(key)^uint64(w.seed))%4000)
		}
		iin, used, err := kz.MakeIIN(p.birth.time(), p.sex, serial)
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		next[key] = uint16(used + 1)
		p.iin = iin

		a := age(p.birth, w.asOf)
		if (a >= 16 && chance(r, 0.93)) || (a >= 10 && a < 16 && chance(r, 0.6)) {
			for {
				op, n := r.IntN(len(phoneOperators)), r.IntN(perOperator)
				bit := op*perOperator + n
				if taken[bit/64]&(1<<(bit%64)) == 0 {
					taken[bit/64] |= 1 << (bit % 64)
					p.phone = phoneOperators[op]*perOperator + int64(n)
					break
				}
			}
		}
	}
	return nil
}
