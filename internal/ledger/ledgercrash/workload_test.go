package ledgercrash

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// The workload: the plan's clients sending their steps concurrently while
// an expirer runs ExpireLedgerTransfers every expireEvery. It is what the
// child process runs, until it is killed or done.
//
// It tells the harness where it is with marker lines on out, one write
// each (writes to a pipe of less than PIPE_BUF bytes are atomic, so the
// clients need no lock):
//
//	@ready             the store is open
//	@setup             accounts and vouchers exist; the clients start
//	@send C I          client C sends its step I
//	@step C I          client C finished its step I for the first time
//	@gap C I           client C pauses between a pending transfer and its
//	                   post or void (step I)
//	@bulk C I          client C sends a batch of 40 or more
//	@spend C I         client C sends a burst of spends of shared vouchers
//	@expire, @expired  the expirer runs, and has run
//	@exists C I N      step I of client C got N results "exists"
//	@lost C I          of them, the step the client had not recorded as
//	                   done: it was committed, but its client was killed
//	                   before it learnt so
//	@err MSG           a call failed (nothing applied); retried
//	@bad MSG           a result the plan does not allow
//	@done              every step done and every timeout expired

const (
	expireEvery = 15 * time.Millisecond
	// rewindMost is how many steps already recorded as done a restarted
	// client sends again, at most: retries of known successes too.
	rewindMost = 2
	// giveUp bounds how long a call is retried on errors.
	giveUp = 2 * time.Minute
)

// workload runs plan p against st, keeping each client's progress in dir.
// A client restarts rewindMost steps at most before its recorded
// progress, or, with replayAll, at its first step.
func workload(ctx context.Context, st *store.Store, p *plan, dir string, replayAll bool, out io.Writer) error {
	say := func(format string, args ...any) {
		io.WriteString(out, "@"+strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")+"\n")
	}
	say("ready")
	rs, err := retry(ctx, say, func() ([]ledger.Result, error) { return st.CreateLedgerAccounts(ctx, p.Accounts) })
	if err != nil {
		return err
	}
	for i, r := range rs {
		if !r.Applied() {
			say("bad account %s: %v", p.Accounts[i].ID, r)
		}
	}
	setup := make([]ledger.Transfer, len(p.Setup))
	for i := range p.Setup {
		setup[i] = p.Setup[i].Transfer
	}
	rs, err = retry(ctx, say, func() ([]ledger.Result, error) { return st.CreateLedgerTransfers(ctx, setup) })
	if err != nil {
		return err
	}
	for i, r := range rs {
		if !r.Applied() {
			say("bad setup transfer %d: %v", i, r)
		}
	}
	say("setup")

	expiring, stopExpiring := context.WithCancel(ctx)
	var expirer sync.WaitGroup
	expirer.Add(1)
	go func() {
		defer expirer.Done()
		tick := time.NewTicker(expireEvery)
		defer tick.Stop()
		for {
			select {
			case <-expiring.Done():
				return
			case <-tick.C:
			}
			say("expire")
			if _, err := st.ExpireLedgerTransfers(expiring, time.Now()); err != nil && expiring.Err() == nil {
				say("err expire: %v", err)
			}
			say("expired")
		}
	}()
	errs := make([]error, len(p.Clients))
	var clients sync.WaitGroup
	for c := range p.Clients {
		clients.Add(1)
		go func() {
			defer clients.Done()
			errs[c] = runClient(ctx, st, p, c, dir, replayAll, say)
		}()
	}
	clients.Wait()
	stopExpiring()
	expirer.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Every pending transfer meant to expire has been created by now:
	// once its timeout has passed, one more round expires it.
	time.Sleep(p.MaxTimeout + 20*time.Millisecond)
	if _, err := retry(ctx, say, func() ([]ledger.Result, error) {
		_, err := st.ExpireLedgerTransfers(ctx, time.Now())
		return nil, err
	}); err != nil {
		return err
	}
	say("done")
	return nil
}

// say writes a marker line.
type sayFunc func(format string, args ...any)

// runClient sends client c's steps from where its progress file says,
// less a few already done, recording each step once its results are in.
// The file is written without fsync: a killed process's writes stay in the
// page cache, and this harness kills processes, not machines.
func runClient(ctx context.Context, st *store.Store, p *plan, c int, dir string, replayAll bool, say sayFunc) error {
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("client%d.progress", c)), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	var buf [8]byte
	saved := 0
	if n, err := f.ReadAt(buf[:], 0); n == len(buf) {
		saved = int(binary.LittleEndian.Uint64(buf[:]))
	} else if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	steps := p.Clients[c]
	start := max(0, saved-rand.IntN(rewindMost+1))
	if replayAll {
		start = 0
	}
	for i := start; i < len(steps); i++ {
		exists, err := runStep(ctx, st, &steps[i], c, i, i < saved, say)
		if err != nil {
			return err
		}
		if exists > 0 {
			say("exists %d %d %d", c, i, exists)
			if i == saved {
				say("lost %d %d", c, i)
			}
		}
		if i >= saved {
			binary.LittleEndian.PutUint64(buf[:], uint64(i+1))
			if _, err := f.WriteAt(buf[:], 0); err != nil {
				return err
			}
			say("step %d %d", c, i)
		}
	}
	return nil
}

// runStep sends one step and checks its results against the plan. It
// returns how many were "exists". A replay is a step done before: the
// ledger has moved on since, so a transfer planned to be refused may now
// be refused for another reason (a chain's first transfer no longer fits);
// it must still be refused.
func runStep(ctx context.Context, st *store.Store, s *step, c, i int, replay bool, say sayFunc) (int, error) {
	if s.Gap > 0 {
		say("gap %d %d", c, i)
		time.Sleep(s.Gap)
	}
	ts := make([]ledger.Transfer, len(s.Ts))
	for j := range s.Ts {
		ts[j] = s.Ts[j].Transfer
	}
	rs := make([]ledger.Result, len(ts))
	switch {
	case s.Burst:
		say("spend %d %d", c, i)
		var wg sync.WaitGroup
		errs := make([]error, len(ts))
		for j := range ts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r []ledger.Result
				r, errs[j] = retry(ctx, say, func() ([]ledger.Result, error) { return st.CreateLedgerTransfers(ctx, ts[j:j+1]) })
				if errs[j] == nil {
					rs[j] = r[0]
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return 0, err
		}
	default:
		if len(ts) >= 40 {
			say("bulk %d %d", c, i)
		}
		say("send %d %d", c, i)
		var err error
		if rs, err = retry(ctx, say, func() ([]ledger.Result, error) { return st.CreateLedgerTransfers(ctx, ts) }); err != nil {
			return 0, err
		}
	}
	exists := 0
	for j, r := range rs {
		if r == ledger.ResultExists {
			exists++
		}
		if !s.Ts[j].allows(r) && !(replay && s.Ts[j].Expect == refused && !r.Applied()) {
			say("bad client %d step %d (%s) transfer %d (%s): %v", c, i, s.Kind, j, s.Ts[j].UserData, r)
		}
	}
	return exists, nil
}

// retry calls fn until it succeeds: an error means nothing was applied,
// and the same call, with the same ids, is always harmless.
func retry(ctx context.Context, say sayFunc, fn func() ([]ledger.Result, error)) ([]ledger.Result, error) {
	deadline := time.Now().Add(giveUp)
	for {
		rs, err := fn()
		if err == nil {
			return rs, nil
		}
		say("err %v", err)
		if ctx.Err() != nil || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}
