package audit

import (
	"bytes"
	"context"
	"fmt"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
)

// Receipt proves that a record is in the log: its commitment, hashed into
// a leaf, is included (Proof, RFC 6962) in the tree of TreeSize leaves
// whose root the signed Checkpoint states. Whoever keeps a receipt can
// later show that the log still holds the record unaltered, and can hand
// the checkpoint to Verify as a trusted one.
type Receipt struct {
	Record     Record   `json:"record"`
	Commitment []byte   `json:"commitment"`
	LeafHash   []byte   `json:"leaf_hash"`
	TreeSize   uint64   `json:"tree_size"`
	Proof      [][]byte `json:"proof"`
	Checkpoint string   `json:"checkpoint"`
}

// Receipt returns the receipt of the record at index against a checkpoint
// covering every committed leaf (signed now if the latest does not). It
// returns an error wrapping store.ErrNotFound for an index not committed,
// and refuses to vouch for a stored record that no longer opens its
// commitment.
func (l *Log) Receipt(ctx context.Context, index uint64) (Receipt, error) {
	if index >= l.Size() {
		return Receipt{}, fmt.Errorf("audit receipt %d: %w", index, store.ErrNotFound)
	}
	row, leaf, err := l.st.AuditRecord(ctx, index)
	if err != nil {
		return Receipt{}, fmt.Errorf("audit receipt: %w", err)
	}
	rec := Record(row)
	if c := rec.Commitment(); !bytes.Equal(c, leaf) {
		return Receipt{}, fmt.Errorf("audit receipt %d: the stored record does not match its leaf: the log was altered", index)
	}
	cp, err := l.fresh(ctx)
	if err != nil {
		return Receipt{}, fmt.Errorf("audit receipt %d: %w", index, err)
	}
	p, err := newNodeReader(l.st, cp.size).inclusionProof(ctx, index)
	if err != nil {
		return Receipt{}, fmt.Errorf("audit receipt %d: %w", index, err)
	}
	return Receipt{
		Record:     rec,
		Commitment: leaf,
		LeafHash:   rfc6962.DefaultHasher.HashLeaf(leaf),
		TreeSize:   cp.size,
		Proof:      p,
		Checkpoint: string(cp.note),
	}, nil
}

// History returns up to limit records about subject, newest first, in one
// indexed query: what a citizen sees as "who looked at my data, and why".
func (l *Log) History(ctx context.Context, subject string, limit int) ([]Record, error) {
	rows, err := l.st.AuditBySubject(ctx, subject, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Record, len(rows))
	for i, r := range rows {
		out[i] = Record(r)
	}
	return out, nil
}

// Verify checks a receipt on its own, as its holder would: that the record
// opens the commitment, that the leaf hash is the commitment's, that the
// proof includes the leaf at the record's index in a tree of TreeSize
// leaves, and that the checkpoint is signed by v and states that tree's
// size and root. It needs nothing from the log or the store.
func (r *Receipt) Verify(v note.Verifier) error {
	if c := r.Record.Commitment(); !bytes.Equal(c, r.Commitment) {
		return fmt.Errorf("receipt %d: the record does not open its commitment", r.Record.Index)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(r.Commitment)
	if !bytes.Equal(leaf, r.LeafHash) {
		return fmt.Errorf("receipt %d: the leaf hash is not the commitment's", r.Record.Index)
	}
	_, size, root, err := openCheckpoint([]byte(r.Checkpoint), v)
	if err != nil {
		return fmt.Errorf("receipt %d: checkpoint: %w", r.Record.Index, err)
	}
	if size != r.TreeSize {
		return fmt.Errorf("receipt %d: the checkpoint is of %d leaves, the proof of %d", r.Record.Index, size, r.TreeSize)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, r.Record.Index, size, leaf, r.Proof, root); err != nil {
		return fmt.Errorf("receipt %d: %w", r.Record.Index, err)
	}
	return nil
}
