// Package ledgerlog is the Social Wallet ledger's transfer log: it commits
// every ledger batch to the tamper-evident audit log, so that the ledger's
// history cannot be rewritten unseen.
//
// The store numbers each committed ledger batch and keeps its digest (see
// ledger.Batch) in the transaction that writes it. A Keeper tails those
// batches and appends one audit record per batch (audit.KindLedger, no
// subject) carrying its seq and digest. Verify compares the stored batches
// with those records; store.VerifyLedger recomputes each digest from the
// stored transfers; the audit log's own verification (audit.Verify) checks
// the records against the signed Merkle tree. Together: a transfer, a fate
// or a digest rewritten after its batch was logged is reported.
//
// Contracts that MUST hold:
//   - Every committed batch is logged once, in seq order: a batch
//     committed but not yet logged when the process stops (a crash between
//     the ledger's commit and the append) is logged by the next Keeper to
//     start, before any later one; a batch already logged is never logged
//     again. The last logged seq is read back from the audit log itself,
//     so this holds across crashes without state of its own.
//   - One Keeper runs per database, as one audit log does.
//   - A batch is logged only after it is committed; until then (a few
//     hundred milliseconds while the server runs, or until the server next
//     starts after a command-line tool wrote the ledger) it is reported as
//     unlogged, not as a discrepancy.
package ledgerlog

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// Service names a ledger batch's audit record.
const Service = "ledger.batch"

// Record returns the audit record of batch b: Kind audit.KindLedger,
// Service "ledger.batch", RequestID the seq in decimal, Reason the digest
// in hexadecimal, Fields the counts ("transfers:N", "fates:M"), Time the
// batch's commit time, Decision "committed".
func Record(b ledger.Batch) audit.Record {
	return audit.Record{Time: time.UnixMicro(b.At).UTC(), Kind: audit.KindLedger, Service: Service,
		RequestID: strconv.FormatUint(b.Seq, 10), Reason: hex.EncodeToString(b.Digest[:]), Decision: "committed",
		Fields: []string{"transfers:" + strconv.Itoa(b.Transfers), "fates:" + strconv.Itoa(b.Fates)}}
}

// parse reads a batch's seq and digest from its audit record.
func parse(r store.AuditRecord) (uint64, [32]byte, error) {
	var d [32]byte
	seq, err := strconv.ParseUint(r.RequestID, 10, 64)
	if err != nil || seq == 0 || r.Service != Service {
		return 0, d, fmt.Errorf("audit record %d is not a ledger batch's (service %q, request id %q)", r.Index, r.Service, r.RequestID)
	}
	b, err := hex.DecodeString(r.Reason)
	if err != nil || len(b) != len(d) {
		return 0, d, fmt.Errorf("audit record %d: digest %q is not 64 hexadecimal digits", r.Index, r.Reason)
	}
	copy(d[:], b)
	return seq, d, nil
}

// Options configure a Keeper.
type Options struct {
	// Interval is how often the Keeper looks for new batches; 0 means
	// 200ms.
	Interval time.Duration
	// MaxRecords bounds the records of one append; 0 means 512 (at most the
	// audit log's own batch).
	MaxRecords int
}

// Keeper appends the ledger's batches to the audit log. Its methods are
// safe for concurrent use.
type Keeper struct {
	st   *store.Store
	log  *audit.Log
	opts Options

	mu   sync.Mutex // serialises catching up; guards last
	last uint64     // the last batch logged

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Start logs every batch committed but not yet logged, then keeps logging
// new ones every Interval until Close. It fails when the audit log's
// latest ledger record cannot be read or the first catch-up fails.
func Start(ctx context.Context, st *store.Store, log *audit.Log, opts Options) (*Keeper, error) {
	if opts.Interval <= 0 {
		opts.Interval = 200 * time.Millisecond
	}
	if opts.MaxRecords <= 0 {
		opts.MaxRecords = 512
	}
	k := &Keeper{st: st, log: log, opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	rec, ok, err := st.LatestLedgerAuditRecord(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger log: %w", err)
	}
	if ok {
		if k.last, _, err = parse(rec); err != nil {
			return nil, fmt.Errorf("ledger log: %w", err)
		}
	}
	if err := k.Sync(ctx); err != nil {
		return nil, err
	}
	go k.run(context.WithoutCancel(ctx))
	return k, nil
}

func (k *Keeper) run(ctx context.Context) {
	defer close(k.done)
	tick := time.NewTicker(k.opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-tick.C:
			if err := k.Sync(ctx); err != nil {
				slog.WarnContext(ctx, "ledger log: cannot log batches, will retry", "err", err)
			}
		}
	}
}

// Sync logs every batch committed when it is called, and returns once they
// are durably in the audit log.
func (k *Keeper) Sync(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for {
		bs, err := k.st.LedgerBatches(ctx, k.last, k.opts.MaxRecords)
		if err != nil {
			return fmt.Errorf("ledger log: %w", err)
		}
		if len(bs) == 0 {
			return nil
		}
		recs := make([]audit.Record, len(bs))
		for i, b := range bs {
			if b.Seq != k.last+uint64(i)+1 {
				// A gap: a batch is missing from the store (deleted, or a
				// writer that broke the one-writer rule). Logging past it
				// would hide it; verify reports it.
				return fmt.Errorf("ledger log: batch %d follows %d: batches are missing", b.Seq, k.last+uint64(i))
			}
			recs[i] = Record(b)
		}
		if _, err := k.log.Append(ctx, recs...); err != nil {
			return fmt.Errorf("ledger log: %w", err)
		}
		k.last = bs[len(bs)-1].Seq
	}
}

// Logged returns the seq of the last batch logged.
func (k *Keeper) Logged() uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.last
}

// Close stops the Keeper after logging what is committed; call it before
// closing the audit log.
func (k *Keeper) Close() error {
	k.once.Do(func() { close(k.stop) })
	<-k.done
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return k.Sync(ctx)
}

// Report is what Verify found.
type Report struct {
	// Batches is how many batches are stored, Logged how many of them
	// have their audit record, Unlogged how many were committed after the
	// last logged one (not yet appended: no discrepancy).
	Batches, Logged, Unlogged uint64
	Discrepancies             []ledger.Discrepancy
}

// Verify compares every stored batch's digest with its audit record:
// "log_mismatch" when they differ (the batch's digest was rewritten, or a
// record that cannot be read), "log_missing" when a batch before the last
// logged one has no record, "log_duplicate" when one has several, and
// "batch_missing" when a record names a batch that is not stored.
func Verify(ctx context.Context, st *store.Store) (Report, error) {
	var rep Report
	logged := map[uint64][32]byte{}
	var last uint64
	err := st.LedgerAuditRecords(ctx, func(r store.AuditRecord) error {
		seq, d, err := parse(r)
		if err != nil {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Kind: "log_mismatch", Field: err.Error()})
			return nil
		}
		if _, dup := logged[seq]; dup {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Kind: "log_duplicate", Batch: seq,
				Field: "batch logged more than once"})
		}
		logged[seq] = d
		last = max(last, seq)
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("ledger log verify: %w", err)
	}
	for after := uint64(0); ; {
		bs, err := st.LedgerBatches(ctx, after, 10000)
		if err != nil {
			return rep, fmt.Errorf("ledger log verify: %w", err)
		}
		if len(bs) == 0 {
			break
		}
		for _, b := range bs {
			rep.Batches++
			d, ok := logged[b.Seq]
			switch {
			case !ok && b.Seq > last:
				rep.Unlogged++
			case !ok:
				rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Kind: "log_missing", Batch: b.Seq,
					Field: "batch before the last logged one has no audit record"})
			case d != b.Digest:
				rep.Logged++
				rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Kind: "log_mismatch", Batch: b.Seq,
					Field: "stored digest differs from the audit log's"})
			default:
				rep.Logged++
			}
			delete(logged, b.Seq)
		}
		after = bs[len(bs)-1].Seq
	}
	for _, seq := range slices.Sorted(maps.Keys(logged)) {
		rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Kind: "batch_missing", Batch: seq,
			Field: "logged batch is not stored"})
	}
	return rep, nil
}
