package audit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
)

// Kinds of Problem that Verify reports.
const (
	// ProblemEdited: a stored record no longer opens the commitment at its
	// index (a field, its time or its salt was changed), or the leaf was
	// changed under it.
	ProblemEdited = "edited"
	// ProblemDeleted: a record, a leaf or a run of indices is missing, or a
	// checkpoint covers more leaves than are stored.
	ProblemDeleted = "deleted"
	// ProblemReordered: a record sits at an index whose leaf commits to
	// another record, and its own commitment is the leaf of another index.
	ProblemReordered = "reordered"
	// ProblemInserted: a record has no leaf: it was never logged.
	ProblemInserted = "inserted"
	// ProblemRewritten: the tree the stored leaves make does not match a
	// stored checkpoint or a stored tree node.
	ProblemRewritten = "rewritten"
	// ProblemBadSignature: a checkpoint does not verify with the trusted key.
	ProblemBadSignature = "bad_signature"
	// ProblemInconsistent: a trusted checkpoint, or the stored checkpoints
	// among themselves, disagree with the stored log: it was rewritten
	// since, or truncated.
	ProblemInconsistent = "inconsistent"
)

// maxListed is how many problems a Report lists; the rest are counted.
const maxListed = 100

// maxMismatches bounds the memory Verify spends telling reordered records
// from edited ones; mismatches beyond it are reported as edited.
const maxMismatches = 1 << 20

// Problem is one thing Verify found wrong. Index is the leaf index (or, for
// a checkpoint, its tree size) it concerns.
type Problem struct {
	Kind   string `json:"kind"`
	Index  uint64 `json:"index"`
	Detail string `json:"detail"`
}

// Report is the outcome of Verify.
type Report struct {
	// Records is how many records are stored, Leaves how many leaves.
	Records uint64 `json:"records"`
	Leaves  uint64 `json:"leaves"`
	// Checkpoints is how many stored checkpoints were checked.
	Checkpoints uint64 `json:"checkpoints"`
	// Root is the root of the tree the stored leaves make; nil when leaves
	// are missing and it cannot be computed.
	Root []byte `json:"root"`
	// Problems lists the first problems found, by index.
	Problems []Problem `json:"problems"`
	// Unlisted counts problems found beyond those listed.
	Unlisted uint64 `json:"unlisted"`
}

// OK reports whether Verify found nothing wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 && r.Unlisted == 0 }

// mismatch is a record that does not open the leaf at its index.
type mismatch struct {
	index      uint64
	requestID  string
	subject    string
	commitment [32]byte
}

// verifier is the state of one Verify run.
type verifier struct {
	v      note.Verifier
	report *Report
	// problems found while streaming, in index order; mismatches are
	// classified at the end and merged in.
	problems []Problem
	unlisted uint64

	rng     *compact.Range
	nodes   map[[2]uint64][]byte
	broken  bool // a leaf is missing: roots past it cannot be computed
	next    uint64
	leafEnd uint64

	cps     []store.AuditCheckpoint // the page of stored checkpoints being checked
	cpNext  uint64                  // size from which to read the next page
	cpDone  bool
	cpLimit uint64 // the largest checkpoint size when Verify began
	origin  string
	trusted []trustedCheckpoint

	mismatches []mismatch
	unlogged   []mismatch // records without a leaf
	leafAt     map[[32]byte]uint64
	overflow   uint64
	buf        []byte
}

type trustedCheckpoint struct {
	n    int // position among the trusted, for messages
	size uint64
	root []byte
}

// cpPage is how many stored checkpoints Verify reads at a time.
const cpPage = 1024

// Verify checks the audit log in st from scratch: every record against its
// leaf, the tree the leaves make against every stored tree node and signed
// checkpoint, each checkpoint's signature against v, and each of trusted
// (signed checkpoints kept outside the store: receipts, witnesses, an
// auditor's copy) against the tree at its size. It reads the log once, in
// index order, without loading it into memory, calling progress (if not
// nil) now and then with the indices done and the total.
//
// What Verify cannot catch on its own: someone holding the signing key can
// rewrite the log, its tree and its checkpoints consistently, and anyone
// with database access can cut the log back, tree and checkpoints with
// it, to an earlier checkpoint. Checkpoints kept outside the store, passed
// as trusted or checked by CheckCheckpointFile, are what expose that.
func Verify(ctx context.Context, st *store.Store, v note.Verifier, trusted [][]byte, progress func(done, total uint64)) (*Report, error) {
	state, err := st.AuditState(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	vf := &verifier{
		v:       v,
		report:  &Report{},
		rng:     factory.NewEmptyRange(0),
		nodes:   make(map[[2]uint64][]byte),
		leafAt:  make(map[[32]byte]uint64),
		leafEnd: state.Size,
		cpLimit: state.Size,
	}
	if state.Checkpoint != nil {
		vf.cpLimit = max(vf.cpLimit, state.Checkpoint.Size)
	}
	err = st.EachAuditNode(ctx, func(n store.AuditNode) error {
		vf.nodes[[2]uint64{n.Level, n.Index}] = n.Hash
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	for i, msg := range trusted {
		origin, size, root, err := openCheckpoint(msg, v)
		if err != nil {
			vf.add(ProblemBadSignature, size, "trusted checkpoint %d does not verify with the key: %v", i+1, err)
			continue
		}
		vf.trusted = append(vf.trusted, trustedCheckpoint{n: i + 1, size: size, root: root})
		if vf.origin == "" {
			vf.origin = origin
		}
	}
	slices.SortStableFunc(vf.trusted, func(a, b trustedCheckpoint) int { return cmp.Compare(a.size, b.size) })
	if err := vf.checkUpTo(ctx, st, 0); err != nil {
		return nil, err
	}

	var done uint64
	if progress != nil {
		// A first report, before any record, lets the caller time the
		// whole pass.
		progress(0, state.Size)
	}
	err = st.EachAuditRecord(ctx, func(e store.AuditEntry) error {
		if err := vf.entry(ctx, st, e); err != nil {
			return err
		}
		done++
		if progress != nil && done%(1<<16) == 0 {
			progress(done, max(state.Size, done))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	if progress != nil {
		progress(done, max(state.Size, done))
	}
	// Whatever checkpoint is left claims more leaves than there are.
	if err := vf.checkUpTo(ctx, st, ^uint64(0)); err != nil {
		return nil, err
	}
	if !vf.broken {
		vf.report.Root = rootOf(vf.rng)
	}
	vf.finish()
	return vf.report, nil
}

func (vf *verifier) add(kind string, index uint64, format string, args ...any) {
	if len(vf.problems) >= maxListed {
		vf.unlisted++
		return
	}
	vf.problems = append(vf.problems, Problem{Kind: kind, Index: index, Detail: fmt.Sprintf(format, args...)})
}

// entry checks one index of the stored log.
func (vf *verifier) entry(ctx context.Context, st *store.Store, e store.AuditEntry) error {
	if e.Index > vf.next && vf.next < vf.leafEnd {
		vf.add(ProblemDeleted, vf.next, "indices %d to %d hold neither a leaf nor a record: deleted; roots from size %d on cannot be checked",
			vf.next, min(e.Index, vf.leafEnd)-1, vf.next+1)
		vf.broken = true
	}
	vf.next = e.Index + 1
	if e.Record != nil {
		vf.report.Records++
	}
	switch {
	case e.Leaf == nil:
		rec := (*Record)(e.Record)
		vf.buf = rec.appendEncoding(vf.buf[:0])
		if len(vf.unlogged) >= maxMismatches {
			vf.overflow++
		} else {
			vf.unlogged = append(vf.unlogged, mismatch{index: e.Index, requestID: rec.RequestID, subject: rec.Subject,
				commitment: sha256.Sum256(vf.buf)})
		}
		if e.Index < vf.leafEnd {
			vf.add(ProblemDeleted, e.Index, "leaf %d is missing; roots from size %d on cannot be checked", e.Index, e.Index+1)
			vf.broken = true
		}
		return nil
	case e.Record == nil:
		vf.add(ProblemDeleted, e.Index, "record %d is missing: its leaf %x is in the log", e.Index, e.Leaf)
		vf.keepLeaf(e.Index, e.Leaf)
	default:
		rec := (*Record)(e.Record)
		vf.buf = rec.appendEncoding(vf.buf[:0])
		c := sha256.Sum256(vf.buf)
		if !bytes.Equal(c[:], e.Leaf) {
			vf.mismatch(e.Index, rec.RequestID, c, e.Leaf)
		}
	}
	vf.report.Leaves++
	if vf.broken {
		return nil
	}
	if err := vf.rng.Append(rfc6962.DefaultHasher.HashLeaf(e.Leaf), vf.visit); err != nil {
		return err
	}
	return vf.checkUpTo(ctx, st, vf.rng.End())
}

// visit compares a node of the recomputed tree with the stored one.
func (vf *verifier) visit(id compact.NodeID, hash []byte) {
	if id.Level == 0 || id.Level%tileHeight != 0 {
		return
	}
	stored, ok := vf.nodes[[2]uint64{uint64(id.Level), id.Index}]
	switch {
	case !ok:
		vf.add(ProblemDeleted, id.Index<<id.Level, "tree node %d/%d (leaves %d to %d) is missing", id.Level, id.Index,
			id.Index<<id.Level, (id.Index+1)<<id.Level-1)
	case !bytes.Equal(stored, hash):
		vf.add(ProblemRewritten, id.Index<<id.Level, "tree node %d/%d (leaves %d to %d) is %x, the leaves make %x", id.Level, id.Index,
			id.Index<<id.Level, (id.Index+1)<<id.Level-1, stored, hash)
	}
}

func (vf *verifier) mismatch(index uint64, requestID string, c [32]byte, leaf []byte) {
	if len(vf.mismatches) >= maxMismatches {
		vf.overflow++
		return
	}
	vf.mismatches = append(vf.mismatches, mismatch{index: index, requestID: requestID, commitment: c})
	vf.keepLeaf(index, leaf)
}

// keepLeaf remembers a leaf whose record is missing or does not open it,
// to find the record it commits to elsewhere in the log.
func (vf *verifier) keepLeaf(index uint64, leaf []byte) {
	if len(leaf) == sha256.Size && len(vf.leafAt) < maxMismatches {
		vf.leafAt[[32]byte(leaf)] = index
	}
}

// checkUpTo checks every stored and trusted checkpoint of size at most n,
// the number of leaves recomputed so far.
func (vf *verifier) checkUpTo(ctx context.Context, st *store.Store, n uint64) error {
	for {
		if len(vf.cps) == 0 && !vf.cpDone {
			cps, err := st.AuditCheckpoints(ctx, vf.cpNext, cpPage)
			if err != nil {
				return fmt.Errorf("audit verify: %w", err)
			}
			if len(cps) < cpPage {
				vf.cpDone = true
			}
			if len(cps) > 0 {
				vf.cpNext = cps[len(cps)-1].Size + 1
			}
			// Checkpoints signed after Verify began cover leaves it does
			// not read.
			for i, c := range cps {
				if c.Size > vf.cpLimit {
					cps, vf.cpDone = cps[:i], true
					break
				}
			}
			vf.cps = cps
		}
		if len(vf.cps) == 0 || vf.cps[0].Size > n {
			break
		}
		vf.checkStored(&vf.cps[0])
		vf.cps = vf.cps[1:]
	}
	for len(vf.trusted) > 0 && vf.trusted[0].size <= n {
		vf.checkTrusted(vf.trusted[0])
		vf.trusted = vf.trusted[1:]
	}
	return nil
}

// rootAt is the recomputed root at size, or false when size is past the
// leaves or past a missing leaf.
func (vf *verifier) rootAt(size uint64) ([]byte, bool) {
	if vf.broken || size != vf.rng.End() {
		return nil, false
	}
	return rootOf(vf.rng), true
}

func (vf *verifier) checkStored(c *store.AuditCheckpoint) {
	vf.report.Checkpoints++
	origin, size, root, err := openCheckpoint(c.Note, vf.v)
	if err != nil {
		vf.add(ProblemBadSignature, c.Size, "checkpoint of size %d does not verify with the key: %v", c.Size, err)
		if origin, size, root, err = peekCheckpoint(c.Note); err != nil {
			return
		}
	}
	if vf.origin == "" {
		vf.origin = origin
	} else if origin != vf.origin {
		vf.add(ProblemInconsistent, c.Size, "checkpoint of size %d names log %q, others %q", c.Size, origin, vf.origin)
	}
	if size != c.Size || !bytes.Equal(root, c.Root) {
		vf.add(ProblemRewritten, c.Size, "checkpoint row of size %d root %x holds a note for size %d root %x", c.Size, c.Root, size, root)
	}
	got, ok := vf.rootAt(size)
	switch {
	case ok && !bytes.Equal(got, root):
		vf.add(ProblemRewritten, size, "checkpoint of size %d has root %x, the stored leaves make %x", size, root, got)
	case !ok && !vf.broken:
		vf.add(ProblemDeleted, size, "checkpoint of size %d covers more leaves than the %d stored: the log was truncated", size, vf.rng.End())
	}
}

func (vf *verifier) checkTrusted(t trustedCheckpoint) {
	got, ok := vf.rootAt(t.size)
	switch {
	case ok && !bytes.Equal(got, t.root):
		vf.add(ProblemInconsistent, t.size, "trusted checkpoint %d (size %d) has root %x, the stored leaves make %x: the log was rewritten after it was issued",
			t.n, t.size, t.root, got)
	case !ok && !vf.broken:
		vf.add(ProblemInconsistent, t.size, "trusted checkpoint %d covers %d leaves, the store holds %d: the log was truncated after it was issued",
			t.n, t.size, vf.rng.End())
	}
}

// finish classifies the records that do not open their leaves and lists
// the problems by index.
func (vf *verifier) finish() {
	all := vf.problems
	for _, m := range vf.mismatches {
		p := Problem{Kind: ProblemEdited, Index: m.index, Detail: fmt.Sprintf(
			"record %d (request %q) does not open its leaf: a field, its time or its salt was changed, or the leaf was replaced",
			m.index, m.requestID)}
		if j, ok := vf.leafAt[m.commitment]; ok && j != m.index {
			p = Problem{Kind: ProblemReordered, Index: m.index, Detail: fmt.Sprintf(
				"record %d (request %q) is the record logged at index %d", m.index, m.requestID, j)}
		}
		all = append(all, p)
	}
	for _, m := range vf.unlogged {
		p := Problem{Kind: ProblemInserted, Index: m.index, Detail: fmt.Sprintf(
			"record %d (request %q, subject %q) has no leaf: it was never logged", m.index, m.requestID, m.subject)}
		if j, ok := vf.leafAt[m.commitment]; ok {
			p = Problem{Kind: ProblemReordered, Index: m.index, Detail: fmt.Sprintf(
				"record %d (request %q) has no leaf: it is the record logged at index %d, moved", m.index, m.requestID, j)}
		}
		all = append(all, p)
	}
	slices.SortStableFunc(all, func(a, b Problem) int { return cmp.Compare(a.Index, b.Index) })
	unlisted := vf.unlisted + vf.overflow
	if len(all) > maxListed {
		unlisted += uint64(len(all) - maxListed)
		all = all[:maxListed]
	}
	vf.report.Problems = all
	vf.report.Unlisted = unlisted
}
