package store

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
)

// insertRows appends n rows to table within the transaction: COPY on
// PostgreSQL when there are enough rows to pay for it, multi-row INSERTs
// otherwise. row appends the values of row i, one per column, to args.
func (a *applyTx) insertRows(ctx context.Context, table string, cols []string, n int, row func(args []any, i int) []any) error {
	if a.useCopy(n) {
		i := 0
		buf := make([]any, 0, len(cols))
		return a.copyFrom(ctx, table, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(buf[:0], i-1), nil
		}))
	}
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	return a.insert(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`)`, marks, len(cols), "", n, row)
}
