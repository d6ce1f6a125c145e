package resolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
)

// SourceLoad is what reading one source's extract gave.
type SourceLoad struct {
	Source   string `json:"source"`
	Entity   string `json:"entity"`
	Records  int    `json:"records"`
	Rejected int    `json:"rejected"` // rows the decoder could not read as records (see ortaq ingest)
}

// LoadContract reads every source of c that has a file into one table per
// entity kind, in contract order. Every file is opened and its header
// checked before any row is read, so a contract naming a missing column
// fails at once with every such error. Rows the decoder rejects are counted
// and logged, not linked: they are not records.
func LoadContract(ctx context.Context, c *source.Contract, progressTo io.Writer) ([]*Table, []SourceLoad, error) {
	type job struct {
		src  *source.Source
		f    *os.File
		dec  *source.Decoder
		tab  *Table
		load SourceLoad
		err  error
		done chan struct{} // closed when tab or err is set
	}
	var (
		jobs  []*job
		errs  []error
		total int64
	)
	for _, s := range c.Sources {
		if s.File == "" {
			continue
		}
		f, err := os.Open(s.File)
		if err != nil {
			errs = append(errs, fmt.Errorf("source %q: %w", s.Name, err))
			continue
		}
		if fi, err := f.Stat(); err == nil {
			total += fi.Size()
		}
		jobs = append(jobs, &job{src: s, f: f, load: SourceLoad{Source: s.Name, Entity: s.Entity}})
	}
	defer func() {
		for _, j := range jobs {
			j.f.Close()
		}
	}()
	bar := progress.NewBytes(progressTo, "read extracts", total)
	for _, j := range jobs {
		dec, err := source.NewDecoder(j.src, progress.Reader(j.f, bar), j.src.File)
		if err != nil {
			errs = append(errs, fmt.Errorf("source %q: %w", j.src.Name, err))
			continue
		}
		dec.AttributesOnly()
		j.dec = dec
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if len(jobs) == 0 {
		return nil, nil, fmt.Errorf("%s: no source has a file to link", c.Path)
	}

	// Decode sources in parallel, each into its own table; the folding of
	// names is the costly part and it is per record. Tables are merged in
	// contract order as soon as they are read, so that a finished
	// source's table and decoder are garbage while others are still read.
	for _, j := range jobs {
		j.done = make(chan struct{})
	}
	go func() {
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for _, j := range jobs {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; close(j.done) }()
				j.tab, j.err = decodeSource(ctx, j.src, j.dec, &j.load)
				// The decoder's index of record ids seen is as large as
				// the source; the table no longer needs it.
				j.dec = nil
				if j.tab != nil {
					j.tab.seal()
				}
			}()
		}
	}()

	var tables []*Table
	byKind := map[string]*Table{}
	for _, j := range jobs {
		<-j.done
		if j.err != nil {
			errs = append(errs, fmt.Errorf("source %q: %w", j.src.Name, j.err))
			continue
		}
		if j.load.Rejected > 0 {
			slog.Warn("rows not linked: the decoder rejected them", "source", j.src.Name, "rows", j.load.Rejected,
				"hint", "ortaq ingest stores them in quarantine with the reason")
		}
		// The first table of a kind becomes the merged one; the others
		// are copied into it and are garbage from here.
		if t := byKind[j.tab.Kind]; t != nil {
			t.append(j.tab)
		} else {
			byKind[j.tab.Kind] = j.tab
			tables = append(tables, j.tab)
		}
		j.tab = nil
	}
	bar.Finish()
	for _, t := range tables {
		t.seal()
	}
	loads := make([]SourceLoad, len(jobs))
	for i, j := range jobs {
		loads[i] = j.load
	}
	if err := errors.Join(errs...); err != nil {
		return nil, loads, err
	}
	return tables, loads, ctx.Err()
}

// decodeSource reads one source's records into a table of their own. The
// decoder and the table's folding run on two goroutines, a batch of rows
// apart: a country's largest register is most of its records, and would
// otherwise be read on one core while the others wait.
func decodeSource(ctx context.Context, src *source.Source, dec *source.Decoder, load *SourceLoad) (*Table, error) {
	kind := src.Entity
	if kind == "" {
		kind = source.EntityPerson
	}
	const batch = 1024
	var (
		batches = make(chan []source.Record, 4)
		free    = make(chan []source.Record, 6)
		readErr error
	)
	// The consumer drains batches to the end, so the reader never blocks
	// for good; readErr and load.Rejected are read after batches closes.
	go func() {
		defer close(batches)
		recs := make([]source.Record, 0, batch)
		for n := 0; ; n++ {
			if n%4096 == 0 && ctx.Err() != nil {
				readErr = ctx.Err()
				return
			}
			rec, rej, err := dec.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = err
				return
			}
			if rej != nil {
				load.Rejected++
				continue
			}
			if recs = append(recs, rec); len(recs) == batch {
				batches <- recs
				select {
				case recs = <-free:
				default:
					recs = make([]source.Record, 0, batch)
				}
			}
		}
		if len(recs) > 0 {
			batches <- recs
		}
	}()
	t := NewTable(kind)
	modes := matchModes(src)
	for recs := range batches {
		for _, rec := range recs {
			t.Add(src.Name, rec.ID, rec.Attrs, modes)
		}
		load.Records += len(recs)
		clear(recs)
		select {
		case free <- recs[:0]:
		default:
		}
	}
	if readErr != nil {
		return nil, readErr
	}
	return t, nil
}

// append adds every record of u to t.
func (t *Table) append(u *Table) {
	n := t.rows()
	remap := make([]uint16, len(u.Sources))
	for s, name := range u.Sources {
		remap[s] = t.sourceIndex(name)
	}
	for _, s := range u.Src {
		t.Src = append(t.Src, remap[s])
	}
	t.IDs = append(t.IDs, u.IDs...)
	for _, r := range u.row {
		t.row = append(t.row, uint32(n)+r)
	}
	for f := range t.cols {
		t.cols[f].appendColumn(&u.cols[f])
		t.present[f] = t.present[f] || u.present[f]
	}
	t.nidValid = append(t.nidValid, u.nidValid...)
	for _, ue := range u.extras {
		e := t.extra(ue.name, ue.mode, n)
		t.extras[e].col.padTo(n)
		t.extras[e].col.appendColumn(&ue.col)
	}
	for e := range t.extras {
		t.extras[e].col.padTo(t.rows())
	}
}

// extra returns the index of the extra column name, creating it with n
// form rows without a value when absent.
func (t *Table) extra(name, mode string, n int) int {
	for e := range t.extras {
		if t.extras[e].name == name {
			return e
		}
	}
	x := extraColumn{name: name, mode: mode}
	x.col.padTo(n)
	t.extras = append(t.extras, x)
	return len(t.extras) - 1
}
