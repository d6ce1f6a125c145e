// Command benefitsgen writes N situations as RULES.md's NDJSON, for
// `ortaq benefits calculate --situations FILE` and for load tests of
// POST /api/v1/benefits/calculate: the same households the engine's mass
// benchmarks decide (internal/benefits/benefitstest), deterministic for a
// seed, streamed so that any N fits in memory.
//
//	go run ./bench/benefitsgen -n 100000 >situations.ndjson
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/benefits/benefitstest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benefitsgen:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 10000, "number of situations")
	seed := flag.Uint64("seed", 1, "random seed")
	date := flag.String("date", "2026-05-10", "decision date (its preceding quarter must have АСП figures)")
	flag.Parse()
	D, err := benefits.ParseDate(*date)
	if err != nil {
		return fmt.Errorf("-date %q: %w", *date, err)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	g := benefitstest.NewGenerator(*seed)
	for i := range *n {
		s := g.Next(fmt.Sprint("h", i), D)
		if err := enc.Encode(&s); err != nil {
			return err
		}
	}
	return w.Flush()
}
