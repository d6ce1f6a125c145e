package resolve

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/ortaq/ortaq/internal/store"
)

// entityPrefix starts the entity ids of each kind, so that ids of
// different kinds never collide.
var entityPrefix = map[string]string{"person": "P", "animal": "A", "event": "E", "organisation": "O"}

// EntityIDs numbers the entities of every result in record order: the first
// record of an entity gives it the next number of its kind.
func EntityIDs(results []*Result) [][]string {
	out := make([][]string, len(results))
	for k, r := range results {
		prefix, ok := entityPrefix[r.Table.Kind]
		if !ok {
			prefix = "X"
		}
		ids := make([]string, r.Table.Len())
		number := map[int32]string{}
		for i, root := range r.Entity {
			id, ok := number[root]
			if !ok {
				id = fmt.Sprintf("%s%0*d", prefix, store.EntityDigits, len(number)+1)
				number[root] = id
			}
			ids[i] = id
		}
		out[k] = ids
	}
	return out
}

// WriteClusters writes source,record_id,entity_id for every record.
func WriteClusters(w io.Writer, results []*Result) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	cw.Write([]string{"source", "record_id", "entity_id"})
	for k, ids := range EntityIDs(results) {
		t := results[k].Table
		for i := range ids {
			cw.Write([]string{t.Sources[t.Src[i]], t.IDs[i], ids[i]})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WritePairs writes the kept scored pairs:
// source_l,record_id_l,source_r,record_id_r,probability.
func WritePairs(w io.Writer, results []*Result) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	cw.Write([]string{"source_l", "record_id_l", "source_r", "record_id_r", "probability"})
	for _, r := range results {
		t := r.Table
		for _, p := range r.Pairs {
			cw.Write([]string{t.Sources[t.Src[p.Left]], t.IDs[p.Left], t.Sources[t.Src[p.Right]], t.IDs[p.Right],
				strconv.FormatFloat(p.Probability, 'g', 6, 64)})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
