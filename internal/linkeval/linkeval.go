// Package linkeval scores a clustering of records against ground truth with
// pairwise precision, recall and F1 over all record pairs, the measure the
// record-linkage literature reports for FEBRL, RLdata and Splink's data.
//
// A pair of records is a true match when both carry the same truth key, and a
// predicted match when both are in the same cluster. The scores are counted
// from the contingency table of truth keys against clusters, so a 50,000-record
// benchmark with a 300,000-pair truth costs one pass over the records, not a
// walk over pairs.
package linkeval

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Record identifies one record: the name of its source (as in sources.yaml)
// and its record id in that source.
type Record struct {
	Source string `json:"source"`
	ID     string `json:"record_id"`
}

func (r Record) String() string { return r.Source + "/" + r.ID }

// Labels assigns records a key: the true entity in a truth file, the cluster
// in a clustering. Keys of a truth and of a clustering are compared only
// within each, never with each other.
type Labels map[Record]string

// Result is a clustering scored against a truth.
//
// Records of the truth that the clustering lacks are missing: they count as
// singletons of the prediction, so their true pairs are lost from recall.
// Records of the clustering that the truth lacks are extra: counted, and
// otherwise ignored, since nothing says whom they should be with.
type Result struct {
	TruthRecords     int64 `json:"truth_records"`
	ClusteredRecords int64 `json:"clustered_records"`
	Missing          int64 `json:"missing"` // in the truth, not in the clustering
	Extra            int64 `json:"extra"`   // in the clustering, not in the truth
	// Pairs: TruePairs share a truth key, PredictedPairs share a cluster
	// (among records of the truth), TruePositives both.
	TruePairs      int64 `json:"true_pairs"`
	PredictedPairs int64 `json:"predicted_pairs"`
	TruePositives  int64 `json:"true_positives"`
	// Precision is TruePositives/PredictedPairs and Recall
	// TruePositives/TruePairs; each is 1 when its denominator is 0, since no
	// claimed pair is wrong and no true pair is lost. F1 is their harmonic
	// mean, 0 when both are 0.
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// Up to sampleSize missing and extra records, in order, to show what
	// went wrong when the counts are large: often a source named
	// differently in the truth and in the contract.
	MissingSample []Record `json:"missing_sample,omitempty"`
	ExtraSample   []Record `json:"extra_sample,omitempty"`
}

const sampleSize = 5

// Score compares clusters with truth. It never enumerates pairs: with n_ij
// the number of records of truth key i in cluster j, TP = Σ C(n_ij, 2),
// predicted pairs = Σ_j C(Σ_i n_ij, 2) and true pairs = Σ_i C(b_i, 2), where
// b_i counts every record of key i in the truth, clustered or not.
func Score(truth, clusters Labels) Result {
	res := Result{TruthRecords: int64(len(truth)), ClusteredRecords: int64(len(clusters))}

	// Keys become dense indexes, so that a contingency cell is one uint64.
	truthIdx := map[string]uint32{}
	clusterIdx := map[string]uint32{}
	index := func(m map[string]uint32, k string) uint32 {
		i, ok := m[k]
		if !ok {
			i = uint32(len(m))
			m[k] = i
		}
		return i
	}
	var (
		truthSize   []int64
		clusterSize []int64
		cells       = map[uint64]int64{}
		missing     []Record
		extra       []Record
	)
	for rec, key := range truth {
		ti := index(truthIdx, key)
		if int(ti) == len(truthSize) {
			truthSize = append(truthSize, 0)
		}
		truthSize[ti]++
		ckey, ok := clusters[rec]
		if !ok {
			res.Missing++
			missing = append(missing, rec)
			continue
		}
		ci := index(clusterIdx, ckey)
		if int(ci) == len(clusterSize) {
			clusterSize = append(clusterSize, 0)
		}
		clusterSize[ci]++
		cells[uint64(ti)<<32|uint64(ci)]++
	}
	for rec := range clusters {
		if _, ok := truth[rec]; !ok {
			res.Extra++
			extra = append(extra, rec)
		}
	}
	for _, n := range truthSize {
		res.TruePairs += pairs(n)
	}
	for _, n := range clusterSize {
		res.PredictedPairs += pairs(n)
	}
	for _, n := range cells {
		res.TruePositives += pairs(n)
	}
	res.Precision = ratio(res.TruePositives, res.PredictedPairs)
	res.Recall = ratio(res.TruePositives, res.TruePairs)
	if s := res.Precision + res.Recall; s > 0 {
		res.F1 = 2 * res.Precision * res.Recall / s
	}
	res.MissingSample = sample(missing)
	res.ExtraSample = sample(extra)
	return res
}

// pairs is C(n, 2).
func pairs(n int64) int64 { return n * (n - 1) / 2 }

func ratio(num, den int64) float64 {
	if den == 0 {
		return 1
	}
	return float64(num) / float64(den)
}

// sample returns the first sampleSize records in (source, id) order: map
// order is random, and a report should not be.
func sample(recs []Record) []Record {
	if len(recs) == 0 {
		return nil
	}
	slices.SortFunc(recs, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID))
	})
	return slices.Clone(recs[:min(len(recs), sampleSize)])
}

// Write prints the result as a plain-text table, one measure a line.
func (r Result) Write(w io.Writer) error {
	var b strings.Builder
	count := func(label string, n int64) { fmt.Fprintf(&b, "%-18s %12d\n", label, n) }
	score := func(label string, x float64) { fmt.Fprintf(&b, "%-18s %12.4f\n", label, x) }
	count("truth records", r.TruthRecords)
	count("clustered records", r.ClusteredRecords)
	count("missing", r.Missing)
	count("extra", r.Extra)
	count("true pairs", r.TruePairs)
	count("predicted pairs", r.PredictedPairs)
	count("true positives", r.TruePositives)
	count("false positives", r.PredictedPairs-r.TruePositives)
	count("false negatives", r.TruePairs-r.TruePositives)
	score("precision", r.Precision)
	score("recall", r.Recall)
	score("F1", r.F1)
	if len(r.MissingSample) > 0 {
		fmt.Fprintf(&b, "missing, e.g.: %s\n", joinRecords(r.MissingSample))
	}
	if len(r.ExtraSample) > 0 {
		fmt.Fprintf(&b, "extra, e.g.: %s\n", joinRecords(r.ExtraSample))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func joinRecords(recs []Record) string {
	s := make([]string, len(recs))
	for i, r := range recs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}

// ReadTruth reads a truth file: CSV with a header whose first column is
// source, second record_id and third the key under any name (entity_id,
// person_id, cluster...); later columns are ignored. name labels errors,
// which give the file, the line and the reason. A record listed twice with
// the same key is read once; with different keys it is an error, because a
// truth for linkage gives each record one entity (so a file listing a record
// once per person involved, like synth's truth/events.csv, is not one).
func ReadTruth(r io.Reader, name string) (Labels, error) {
	return read(r, name, true)
}

// ReadClusters reads a clustering in the same layout as ReadTruth, such as
// the clusters file ortaq link writes. Every record must appear once: a
// repeated record, even in the same cluster, is an error naming both lines,
// since it means the file was not written by one clustering.
func ReadClusters(r io.Reader, name string) (Labels, error) {
	return read(r, name, false)
}

func read(r io.Reader, name string, truth bool) (Labels, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file: expected a header source,record_id,KEY", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	if len(header) < 3 {
		return nil, fmt.Errorf("%s:1: header has %d columns; expected source,record_id,KEY", name, len(header))
	}
	first := strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff"))
	if first != "source" || strings.TrimSpace(header[1]) != "record_id" {
		return nil, fmt.Errorf("%s:1: header starts %q,%q; expected source,record_id,KEY", name, first, strings.TrimSpace(header[1]))
	}
	// With ReuseRecord later reads overwrite header: keep what is needed.
	ncols := len(header)
	keyName := strings.TrimSpace(header[2])
	if keyName == "" {
		keyName = "key"
	}

	labels := Labels{}
	lines := map[Record]int{}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return labels, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(row) != ncols {
			return nil, fmt.Errorf("%s:%d: got %d columns, header has %d", name, line, len(row), ncols)
		}
		rec := Record{Source: strings.TrimSpace(row[0]), ID: strings.TrimSpace(row[1])}
		key := strings.TrimSpace(row[2])
		switch {
		case rec.Source == "":
			return nil, fmt.Errorf("%s:%d: empty source", name, line)
		case rec.ID == "":
			return nil, fmt.Errorf("%s:%d: empty record_id", name, line)
		case key == "":
			return nil, fmt.Errorf("%s:%d: empty %s for record %s", name, line, keyName, rec)
		}
		if prev, dup := labels[rec]; dup {
			if !truth {
				return nil, fmt.Errorf("%s:%d: record %s appears again (first at line %d); a clustering lists each record once", name, line, rec, lines[rec])
			}
			if prev != key {
				return nil, fmt.Errorf("%s:%d: record %s has %s %q here but %q at line %d; a truth file gives each record one %s", name, line, rec, keyName, key, prev, lines[rec], keyName)
			}
			continue
		}
		labels[rec] = key
		lines[rec] = line
	}
}

// csvError puts encoding/csv's line into our file:line form.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}
