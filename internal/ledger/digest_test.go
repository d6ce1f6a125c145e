package ledger

import (
	"testing"
	"time"
)

// TestBatchDigest: the digest depends on what was written, not on the
// order it is given in, and on every immutable field and fate.
func TestBatchDigest(t *testing.T) {
	at := time.UnixMicro(1_780_000_000_000_000).UTC()
	base := func() ([]Transfer, []Fate) {
		return []Transfer{
				{ID: IDOf("a"), DebitAccount: IDOf("d"), CreditAccount: IDOf("c"), Amount: 100, Ledger: Food, Code: 3, UserData: "decision:1", Timestamp: at},
				{ID: IDOf("b"), DebitAccount: IDOf("c"), CreditAccount: IDOf("m"), Amount: 40, Ledger: Food, Code: 4, Flags: Pending,
					Timeout: time.Minute, UserData: "purchase:M1:1", Timestamp: at, State: StatePending},
			}, []Fate{
				{ID: IDOf("p1"), State: StatePosted}, {ID: IDOf("p2"), State: StateExpired},
			}
	}
	ts, fs := base()
	want := BatchDigest(7, ts, fs)
	ts, fs = base()
	ts[0], ts[1] = ts[1], ts[0]
	fs[0], fs[1] = fs[1], fs[0]
	if BatchDigest(7, ts, fs) != want {
		t.Error("digest depends on the order of the transfers or fates")
	}
	ts, fs = base()
	ts[1].State = StatePosted // a fate is the deciding batch's, not the creating one's
	if BatchDigest(7, ts, fs) != want {
		t.Error("digest depends on a transfer's current state")
	}
	edits := map[string]func(ts []Transfer, fs []Fate){
		"amount":    func(ts []Transfer, fs []Fate) { ts[0].Amount++ },
		"user data": func(ts []Transfer, fs []Fate) { ts[0].UserData = "decision:2" },
		"account":   func(ts []Transfer, fs []Fate) { ts[0].CreditAccount = IDOf("x") },
		"ledger":    func(ts []Transfer, fs []Fate) { ts[0].Ledger = Cash },
		"code":      func(ts []Transfer, fs []Fate) { ts[0].Code = 9 },
		"flags":     func(ts []Transfer, fs []Fate) { ts[1].Flags |= Linked },
		"timeout":   func(ts []Transfer, fs []Fate) { ts[1].Timeout = time.Hour },
		"time":      func(ts []Transfer, fs []Fate) { ts[0].Timestamp = at.Add(time.Microsecond) },
		"pending":   func(ts []Transfer, fs []Fate) { ts[0].PendingID = IDOf("p1") },
		"fate":      func(ts []Transfer, fs []Fate) { fs[0].State = StateVoided },
		"fate id":   func(ts []Transfer, fs []Fate) { fs[1].ID = IDOf("p3") },
	}
	for name, edit := range edits {
		ts, fs := base()
		edit(ts, fs)
		if BatchDigest(7, ts, fs) == want {
			t.Errorf("digest ignores the %s", name)
		}
	}
	ts, fs = base()
	if BatchDigest(8, ts, fs) == want {
		t.Error("digest ignores the batch number")
	}
	ts, fs = base()
	if BatchDigest(7, ts[:1], fs) == want || BatchDigest(7, ts, fs[:1]) == want {
		t.Error("digest ignores a missing transfer or fate")
	}
}
