package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestCheckPushAgreesWithPush: CheckPush refuses exactly the bodies a
// push refuses as bad input.
func TestCheckPushAgreesWithPush(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustIngest(t, st, "cards", cardsV1, "full")
		for _, tc := range []struct {
			name, source, format, body string
			want                       error
		}{
			{"good csv", "cards", "csv", cardsV1, nil},
			{"bad rows are quarantined, not refused", "cards", "csv", "card,iin,fio,dob,sex,clinic\nC9,1,x,y,Z,\n", nil},
			{"missing column", "cards", "csv", "card,fio\nC9,x\n", ingest.ErrBadInput},
			{"empty body", "cards", "csv", "", ingest.ErrBadInput},
			{"ndjson that is not", "cards", "ndjson", "not json at all\n", nil},
			{"unknown source", "nope", "csv", cardsV1, store.ErrNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := ingest.CheckPush(ctx, st, tc.source, strings.NewReader(tc.body), tc.format)
				if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
					t.Fatalf("CheckPush = %v; want %v", err, tc.want)
				}
				_, pushErr := ingest.Push(ctx, st, tc.source, strings.NewReader(tc.body), tc.format, "")
				if errors.Is(err, ingest.ErrBadInput) != errors.Is(pushErr, ingest.ErrBadInput) {
					t.Errorf("CheckPush = %v but Push = %v: they disagree on bad input", err, pushErr)
				}
			})
		}
	})
}
