package wallet_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
)

// TestCorrectionStaysCorrected is issue 13's «Есимва → Есімова»: an
// accepted correction survives the agency's unchanged extract until the
// agency's own data holds the value.
func TestCorrectionStaysCorrected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{ApplyDue: 10 * 24 * time.Hour})
		filed, err := cs.File(ctx, n.request())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cs.Accept(ctx, filed.ID, "moj: A. Officer", ""); err != nil {
			t.Fatal(err)
		}
		build := func() {
			t.Helper()
			d, err := golden.Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Save(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		surname := func() golden.Value {
			t.Helper()
			g, err := st.Golden(ctx, "P1")
			if err != nil {
				t.Fatal(err)
			}
			doc, err := golden.DecodeDoc(g.Doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range doc.Values {
				if f.Attr == "last_name" {
					return f.Value
				}
			}
			t.Fatal("no golden surname")
			return golden.Value{}
		}
		// state checks what the citizen reads and what the agency's work
		// list holds.
		state := func(want string, listed bool) store.Correction {
			t.Helper()
			c, _, err := cs.Get(ctx, filed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := wallet.CorrectionState(c); got != want {
				t.Errorf("state %q, want %q", got, want)
			}
			items, total, err := cs.Unapplied(ctx, store.OverrideFilter{Agency: "moj"})
			if err != nil {
				t.Fatal(err)
			}
			if !listed {
				if total != 0 || len(items) != 0 {
					t.Errorf("work list holds %+v of %d; want nothing", items, total)
				}
				return c
			}
			if total != 1 || len(items) != 1 {
				t.Fatalf("work list holds %+v of %d; want the correction", items, total)
			}
			it := items[0]
			if it.CorrectionID != filed.ID || it.Attr != "last_name" || it.Value != "Ахмедов" || it.OldValue != "Ахметов" ||
				it.RecordID != n.citizen || !it.DueAt.Equal(c.ApplyBy) {
				t.Errorf("work item %+v; correction due to apply by %v", it, c.ApplyBy)
			}
			return c
		}

		c := state(wallet.StateWaiting, true)
		if d := c.ApplyBy.Sub(c.DecidedAt); d < 10*24*time.Hour-time.Minute || d > 10*24*time.Hour+time.Minute {
			t.Errorf("deadline to apply %v after the acceptance; want 10 days", d)
		}
		if key, at := wallet.StateNote(c); key != "correction.note.waiting" || !at.Equal(c.ApplyBy) {
			t.Errorf("note %q %v", key, at)
		}

		// The agency's unchanged extract: history says what it sent, the
		// golden record keeps the correction, on a refresh of the entity
		// as on a whole build.
		n.load(t, "register", n.register)
		h, err := st.History(ctx, "register", n.citizen)
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]string
		if err := json.Unmarshal(h[len(h)-1].Attrs, &attrs); err != nil {
			t.Fatal(err)
		}
		if len(h) != 3 || attrs["last_name"] != "Ахметов" {
			t.Fatalf("history after the old extract: %d versions, the last %v", len(h), attrs)
		}
		if err := golden.RefreshEntity(ctx, st, "P1"); err != nil {
			t.Fatal(err)
		}
		if v := surname(); v.Value != "Ахмедов" || v.Correction != filed.ID {
			t.Fatalf("golden surname after the old extract, entity refreshed: %+v", v)
		}
		build()
		if v := surname(); v.Value != "Ахмедов" || v.Correction != filed.ID || v.Source != "register" {
			t.Fatalf("golden surname after the old extract, whole build: %+v", v)
		}
		state(wallet.StateWaiting, true)

		// The agency's system now holds the value: the override retires on
		// the next build, once, and the golden surname stays.
		n.load(t, "register", strings.Replace(n.register, ",Ахметов,", ",Ахмедов,", 1))
		build()
		build()
		if v := surname(); v.Value != "Ахмедов" || v.Correction != "" || v.Version != 4 {
			t.Fatalf("golden surname after the agency applied it: %+v", v)
		}
		c = state(wallet.StateApplied, false)
		if key, at := wallet.StateNote(c); key != "correction.note.applied" || at.IsZero() {
			t.Errorf("note %q %v", key, at)
		}
		_, events, err := cs.Get(ctx, filed.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, e.Status+" by "+e.Actor)
		}
		if want := "open by citizen, accepted by moj: A. Officer, applied by moj"; strings.Join(got, ", ") != want {
			t.Errorf("history %q; want %q", strings.Join(got, ", "), want)
		}
		o, err := st.Override(ctx, filed.ID)
		if err != nil || o.Status != store.OverrideRetired || o.RetiredVersion != 4 || o.RetiredRun != h[len(h)-1].RunID+1 {
			t.Errorf("retired override %+v, %v", o, err)
		}
	})
}

func TestCorrectionStates(t *testing.T) {
	for _, tc := range []struct {
		status, override, want string
	}{
		{store.CorrectionOpen, "", wallet.StateOpen},
		{store.CorrectionRejected, "", wallet.StateRejected},
		{store.CorrectionAccepted, store.OverrideActive, wallet.StateWaiting},
		{store.CorrectionAccepted, "", wallet.StateWaiting}, // never "applied" without the agency
		{store.CorrectionAccepted, store.OverrideRetired, wallet.StateApplied},
		{store.CorrectionAccepted, store.OverrideSuperseded, wallet.StateSuperseded},
	} {
		got := wallet.CorrectionState(store.Correction{Status: tc.status, Override: tc.override})
		if got != tc.want {
			t.Errorf("state of %s with override %q = %q; want %q", tc.status, tc.override, got, tc.want)
		}
		if wallet.Messages[wallet.StateKey(got)]["ru"] == "" {
			t.Errorf("no text for state %q", got)
		}
	}
	// "Fixed" is said only of what the agency's system holds.
	for _, st := range []string{wallet.StateWaiting, "accepted"} {
		for lang, text := range wallet.Messages[wallet.StateKey(st)] {
			if strings.Contains(strings.ToLower(text), "исправлено") || strings.Contains(text, "түзетілді") ||
				strings.Contains(strings.ToLower(text), "fixed") {
				t.Errorf("%s in %s reads %q", st, lang, text)
			}
		}
	}
}

func TestMessagesComplete(t *testing.T) {
	for key, texts := range wallet.Messages {
		want := strings.Count(texts["en"], "%")
		for _, lang := range []string{"kk", "ru", "en"} {
			if texts[lang] == "" {
				t.Errorf("%s: no %s text", key, lang)
			}
			if strings.Count(texts[lang], "%") != want {
				t.Errorf("%s: %s text takes other arguments than the English one", key, lang)
			}
		}
		if len(texts) != 3 {
			t.Errorf("%s: %d languages", key, len(texts))
		}
	}
}
