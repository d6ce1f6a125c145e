package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestRuleVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		author := store.Author{ID: 7, Name: "Minister's deputy"}
		v := store.RuleVersion{Kind: store.RuleParameter, Name: "mrp", EffectiveFrom: "2026-07-01", Body: "4500",
			LawRef: "Law of 2026-06-20", Reason: "indexation", Author: author, CreatedAt: benefitT0}
		id, err := st.AddRuleVersion(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddRuleVersion(ctx, v); !errors.Is(err, store.ErrExists) {
			t.Errorf("same name and date again: %v; want ErrExists", err)
		}
		p := v
		p.Kind, p.Name, p.Body, p.EffectiveFrom = store.RuleProgramme, "large_family", "id: large_family", "2026-01-01"
		pid, err := st.AddRuleVersion(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []store.RuleVersion{
			{Kind: "law", Name: "x", EffectiveFrom: "2026-01-01"},
			{Kind: store.RuleParameter, Name: "x", EffectiveFrom: "1 July"},
			{Kind: store.RuleParameter, EffectiveFrom: "2026-01-01"},
		} {
			if _, err := st.AddRuleVersion(ctx, bad); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("AddRuleVersion(%+v): %v; want ErrInvalid", bad, err)
			}
		}
		all, err := st.RuleVersions(ctx)
		if err != nil || len(all) != 2 || all[0].ID != id || all[1].ID != pid || all[0].Author != author ||
			!all[0].CreatedAt.Equal(benefitT0) || all[0].Status != store.RuleActive {
			t.Fatalf("RuleVersions = %+v, %v", all, err)
		}
		withdrawer := store.Author{ID: 8, Name: "Auditor"}
		if err := st.WithdrawRuleVersion(ctx, id, withdrawer, "typo", benefitT0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.WithdrawRuleVersion(ctx, id, withdrawer, "typo", benefitT0); !errors.Is(err, store.ErrWrongState) {
			t.Errorf("withdraw twice: %v; want ErrWrongState", err)
		}
		if err := st.WithdrawRuleVersion(ctx, 999999, withdrawer, "", benefitT0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("withdraw none: %v; want ErrNotFound", err)
		}
		// The date is free again once withdrawn.
		if _, err := st.AddRuleVersion(ctx, v); err != nil {
			t.Errorf("add after withdrawal: %v", err)
		}
		all, err = st.RuleVersions(ctx)
		if err != nil || len(all) != 2 || all[1].ID == id {
			t.Errorf("RuleVersions after withdrawal = %+v, %v", all, err)
		}
		changes, err := st.RuleChanges(ctx, 10)
		if err != nil || len(changes) != 4 {
			t.Fatalf("RuleChanges = %+v, %v", changes, err)
		}
		w := changes[1]
		if w.VersionID != id || w.Action != store.RuleWithdraw || w.Author != withdrawer || w.Reason != "typo" || w.Name != "mrp" {
			t.Errorf("withdrawal change = %+v", w)
		}
	})
}
