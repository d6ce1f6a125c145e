// Package synth generates a deterministic synthetic Kazakhstan: people with
// Kazakh, Russian and other names, households, addresses in every region,
// births, marriages and deaths, livestock; then the extracts that eight
// agency information systems would hand over, each in its own layout and
// with the realistic defects of such systems (duplicate patient cards,
// mistyped IINs, folded Kazakh letters, "virtual cows" of dead owners,
// benefits paid to the dead), a sources.yaml describing them, and the exact
// ground truth (who is who, which record carries which defect) against which
// entity resolution and quality checks are scored.
//
// The same Options always give byte-identical files, whatever the number of
// CPUs: every part of the generation draws from its own random stream
// derived from the seed.
package synth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/progress"
)

// Options configure one synthetic nation.
type Options struct {
	// People is the number of people, alive or dead (> 0). About 3% died in
	// the last five years: they are absent from the population register.
	People int
	// Seed selects the nation; the same seed gives the same files.
	Seed int64
	// Out is the output directory, created if needed; existing files in it
	// are overwritten.
	Out string
	// AsOf is "today" in the synthetic world; the zero value means
	// 2026-11-01, fixed so that output is deterministic.
	AsOf time.Time
	// Clean plants no defects: no record carries any of the kinds
	// DefectKinds lists, so truth/defects.csv is just its header, and the
	// disability register, whose windows-1251 would fold Kazakh letters, is
	// written in UTF-8 with the true names and addresses (sources.yaml says
	// so). People, households and the population and civil registers are
	// those of the same seed without Clean; the other extracts are drawn
	// alike, with the same legitimate properties (closed cards of the dead,
	// date formats), but not record for record the same. A clean nation is
	// for proving that quality checks find nothing on clean data.
	Clean bool
	// Progress receives progress lines; nil for silence.
	Progress io.Writer
}

// DefaultAsOf is the "today" used when Options.AsOf is zero.
var DefaultAsOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Summary describes a finished generation.
type Summary struct {
	People     int // everyone generated, alive or dead
	Households int
	Animals    int            // distinct animals in the livestock register
	Files      map[string]int // file name relative to Out -> data rows (header excluded)
	Elapsed    time.Duration
}

// ErrNoPeople is returned when Options.People is not positive.
var ErrNoPeople = errors.New("synth: people must be positive")

// extract is one agency's extract: its entry in sources.yaml and the code
// that writes its file and its ground truth.
type extract struct {
	spec  sourceSpec
	write func(x *run) error
}

// run is the state of one extract being written.
type run struct {
	spec  *sourceSpec
	w     *world
	r     *rand.Rand
	out   *output
	truth *truth
	// clean is Options.Clean: plant no defects.
	clean bool
	rows  int
	// animals counts distinct animals (livestock only).
	animals int
}

// specFor returns the extract's entry in sources.yaml. A clean nation
// writes every extract in UTF-8: windows-1251 cannot hold Kazakh letters,
// so a file in it would carry folded names.
func (e *extract) specFor(clean bool) sourceSpec {
	s := e.spec
	if clean {
		s.encoding = "utf-8"
	}
	return s
}

// extracts lists every extract in the order of sources.yaml and of the
// truth files.
var extracts = []extract{
	populationExtract,
	civilExtract,
	healthExtract,
	livestockExtract,
	socialExtract,
	taxExtract,
	educationExtract,
	disabilityExtract,
}

// Generate builds the nation described by opts and writes every extract,
// DIR/sources.yaml and DIR/truth/ into opts.Out. Extracts are written
// concurrently; each depends only on the seed, so the files are the same
// whatever the scheduling. It stops early when ctx is cancelled.
func Generate(ctx context.Context, opts Options) (Summary, error) {
	start := time.Now()
	if opts.People <= 0 {
		return Summary{}, ErrNoPeople
	}
	if opts.Out == "" {
		return Summary{}, errors.New("synth: no output directory")
	}
	if opts.AsOf.IsZero() {
		opts.AsOf = DefaultAsOf
	}
	asOf := dateOf(opts.AsOf)
	w, err := buildWorld(ctx, opts, asOf)
	if err != nil {
		return Summary{}, err
	}
	tdir := filepath.Join(opts.Out, "truth")
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}

	// The extracts and the household truth, concurrently.
	bar := progress.New(opts.Progress, "extracts", int64(len(extracts)))
	runs := make([]*run, len(extracts))
	jobs := make([]func() error, 0, len(extracts)+1)
	for i, e := range extracts {
		jobs = append(jobs, func() error {
			var err error
			runs[i], err = writeExtract(ctx, w, e, opts)
			bar.Add(1)
			return err
		})
	}
	var hhRows int
	jobs = append(jobs, func() error {
		var err error
		if hhRows, err = writeHouseholds(tdir, w); err != nil {
			return fmt.Errorf("synth: households: %w", err)
		}
		return nil
	})
	if err := parallel(jobs...); err != nil {
		return Summary{}, err
	}
	bar.Finish()

	sum := Summary{People: len(w.people), Households: len(w.hhs), Files: map[string]int{"truth/households.csv": hhRows}}
	ts := make([]*truth, len(runs))
	for i, x := range runs {
		sum.Files[extracts[i].spec.file] = x.rows
		sum.Animals += x.animals
		ts[i] = x.truth
	}
	tf, err := writeTruth(tdir, ts)
	if err != nil {
		return Summary{}, fmt.Errorf("synth: truth: %w", err)
	}
	for k, v := range tf {
		sum.Files[k] = v
	}
	if err := writeContract(opts.Out, asOf, opts.Clean); err != nil {
		return Summary{}, fmt.Errorf("synth: sources.yaml: %w", err)
	}
	if err := writeQuality(opts.Out, asOf); err != nil {
		return Summary{}, fmt.Errorf("synth: quality.yaml: %w", err)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func writeExtract(ctx context.Context, w *world, e extract, opts Options) (*run, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	spec := e.specFor(opts.Clean)
	out, err := create(opts.Out, spec.file, spec.encoding == "windows-1251")
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", spec.name, err)
	}
	x := &run{spec: &spec, w: w, r: newRand(w.seed, spec.name, 0), out: out, truth: &truth{source: spec.name}, clean: opts.Clean}
	werr := e.write(x)
	if err := out.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return nil, fmt.Errorf("synth: %s: %w", spec.name, werr)
	}
	return x, ctx.Err()
}

// parallel runs fns concurrently and joins their errors.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
