package wallet

import (
	"context"
	"fmt"
	"slices"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/store"
)

// maxNew is where the count of new accesses stops: "99+".
const maxNew = 99

// Access is one decision about a query for the citizen's data, as the
// audit log recorded it.
type Access struct {
	audit.Record
	// New marks an access the citizen had not seen before this page.
	New bool
}

// Accesses returns up to limit accesses to the citizen's data (their IIN
// or their animals' tags), newest first, marking those they have not seen.
func (w *Wallet) Accesses(ctx context.Context, iin string, limit int) ([]Access, error) {
	subjects, err := w.subjects(ctx, iin)
	if err != nil {
		return nil, err
	}
	recs, err := w.st.AuditBySubjects(ctx, subjects, limit)
	if err != nil {
		return nil, err
	}
	seen, err := w.st.WalletSeen(ctx, iin)
	if err != nil {
		return nil, err
	}
	out := make([]Access, len(recs))
	for i, r := range recs {
		out[i] = Access{Record: audit.Record(r), New: int64(r.Index) > seen}
	}
	return out, nil
}

// NewAccesses counts the accesses the citizen has not seen, up to 99.
func (w *Wallet) NewAccesses(ctx context.Context, iin string) (int, error) {
	subjects, err := w.subjects(ctx, iin)
	if err != nil {
		return 0, err
	}
	seen, err := w.st.WalletSeen(ctx, iin)
	if err != nil {
		return 0, err
	}
	return w.st.AuditCountAfter(ctx, subjects, seen, maxNew+1)
}

// MarkSeen records that the citizen has seen the accesses up to index.
func (w *Wallet) MarkSeen(ctx context.Context, iin string, index uint64) error {
	return w.st.SetWalletSeen(ctx, iin, int64(index))
}

// Receipt returns the receipt of the access at index. An access that is
// not about the citizen is as good as missing: a wrapped
// store.ErrNotFound, so that no one learns another person's accesses.
func (w *Wallet) Receipt(ctx context.Context, iin string, index uint64) (audit.Receipt, error) {
	if w.log == nil {
		return audit.Receipt{}, fmt.Errorf("receipt %d: %w", index, store.ErrNotFound)
	}
	rec, _, err := w.st.AuditRecord(ctx, index)
	if err != nil {
		return audit.Receipt{}, err
	}
	subjects, err := w.subjects(ctx, iin)
	if err != nil {
		return audit.Receipt{}, err
	}
	if !slices.Contains(subjects, rec.Subject) {
		return audit.Receipt{}, fmt.Errorf("receipt %d: %w", index, store.ErrNotFound)
	}
	return w.log.Receipt(ctx, index)
}
