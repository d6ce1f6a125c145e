package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ortaq/ortaq/internal/linkeval"
)

var evalCommand = command{
	name:    "eval",
	summary: "Score a clustering against ground truth: pairwise precision, recall and F1.",
	usage:   "--truth TRUTH.csv --clusters CLUSTERS.csv [--json]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		truth := fs.String("truth", "", "ground truth: CSV with columns source,record_id,KEY (KEY: any name, e.g. entity_id)")
		clusters := fs.String("clusters", "", "the clustering to score, in the same layout (e.g. as written by ortaq link)")
		asJSON := fs.Bool("json", false, "print the result as one JSON object instead of a table")
		return func(_ context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("eval", fs); err != nil {
				return err
			}
			if *truth == "" || *clusters == "" {
				return usageError{msg: "ortaq eval: --truth and --clusters are both required",
					hint: "e.g. ortaq eval --truth truth/febrl3.csv --clusters clusters.csv"}
			}
			t, err := readLabels(*truth, linkeval.ReadTruth)
			if err != nil {
				return err
			}
			c, err := readLabels(*clusters, linkeval.ReadClusters)
			if err != nil {
				return err
			}
			res := linkeval.Score(t, c)
			if *asJSON {
				return json.NewEncoder(out).Encode(res)
			}
			return res.Write(out)
		}
	},
}

func readLabels(path string, read func(io.Reader, string) (linkeval.Labels, error)) (linkeval.Labels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	return read(f, path)
}
