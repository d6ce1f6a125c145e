package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

// The ledger's group commit. One goroutine per Store (the committer)
// writes the ledger: CreateLedgerTransfers and ExpireLedgerTransfers hand
// it their batches, and it applies everything queued, up to
// maxGroupTransfers, in one transaction, so that 64 clients sending
// batches of 100 share one commit (and one fsync) instead of queueing for
// 64. Contracts that MUST hold:
//   - Each client batch is still decided by its own Book.Apply, in the
//     order the batches were taken, each seeing the effects of those
//     before it: linked chains and results are per client batch, exactly
//     as if each batch were a transaction of its own.
//   - A client whose call returns an error had nothing of its batch
//     applied: when a group's transaction fails, each of its batches is
//     tried again alone, so one batch the database refuses fails only its
//     own client.
//   - The committer keeps the accounts it read or wrote in memory, as of
//     the last batch it committed (its seq). That is right only while it
//     is the ledger's one writer, so every group first serialises with
//     any other writer (BEGIN IMMEDIATE on SQLite, an advisory lock on
//     PostgreSQL, held to commit) and then compares the last committed
//     batch's seq with its own: another process wrote the ledger, and the
//     cache is dropped. A failed transaction drops the accounts its
//     batches changed, or all of them when it cannot tell.
//   - Each committed group with at least one transfer or fate is a
//     ledger batch: it takes the next seq and stores its digest in the same
//     transaction (see ledger.Batch).
//   - On SQLite the committer's transactions commit with
//     synchronous=FULL: a batch whose call returned survives a power cut,
//     not only a crash (the rest of the store runs synchronous=NORMAL).
//     PostgreSQL's durability is the server's (fsync, synchronous_commit).

// maxGroupTransfers bounds the transfers of one group transaction; a
// larger client batch commits alone.
const maxGroupTransfers = 8192

// maxCachedAccounts bounds the committer's account cache; past it, a
// quarter of the entries are dropped.
const maxCachedAccounts = 1 << 20

// ledgerLockKey and the schema's name make the PostgreSQL advisory lock
// every ledger writer holds for its transaction ("orta"): ledgers in other
// schemas of the database do not wait for each other.
const ledgerLockKey = 0x6f727461

// errLedgerClosed: the store was closed before the batch was taken.
var errLedgerClosed = errors.New("ledger: store closed")

// Request states.
const (
	reqQueued int32 = iota
	reqTaken
	reqAbandoned
)

// ledgerReq is one call waiting for the committer: accounts to create and
// a batch of transfers, or (expire set) one expiry round.
type ledgerReq struct {
	as []ledger.Account
	ts []ledger.Transfer
	// read holds the accounts named by as and ts, read by the caller
	// before submitting (see readAhead); nil when it read none.
	read   *readAhead
	expire bool
	now    time.Time // for expiry

	state atomic.Int32
	done  chan struct{}
	// Set by the committer before done is closed.
	ars  []ledger.Result // of as
	rs   []ledger.Result // of ts
	n    int             // expired
	more bool            // an expiry round that may have left some
	err  error
}

type ledgerCommitter struct {
	s    *Store
	reqs chan *ledgerReq

	closeMu sync.RWMutex
	closed  bool
	quit    chan struct{}
	done    chan struct{}

	// gen counts the groups committed and the times the cache dropped
	// accounts it may have changed; forgotten is gen when it last did
	// (after a failed transaction, or because another process wrote).
	// Evictions drop only accounts untouched for evictAfter groups, and
	// evicted is the latest gen at which an evicted account was touched.
	// Accounts a caller read itself after seeing gen at both or later are
	// current unless cached: every account changed since is in the cache,
	// and no other process wrote since.
	gen atomic.Uint64

	// Owned by the committer goroutine.
	ctx       context.Context
	accounts  map[ledger.ID]*ledger.Account
	seq       uint64 // the batch the cache reflects
	carry     *ledgerReq
	forgotten uint64
	evicted   uint64
	touched   map[ledger.ID]uint64 // gen at which each cached account was last written
}

// committer starts the store's ledger committer on first use.
func (s *Store) committer() *ledgerCommitter {
	s.ledgerOnce.Do(func() {
		c := &ledgerCommitter{s: s, reqs: make(chan *ledgerReq, 1024), quit: make(chan struct{}), done: make(chan struct{}),
			ctx: context.Background(), accounts: map[ledger.ID]*ledger.Account{}, touched: map[ledger.ID]uint64{}}
		s.ledger.Store(c)
		go c.run()
	})
	return s.ledger.Load()
}

// stopLedger stops the committer, after it has committed what was queued.
func (s *Store) stopLedger() {
	c := s.ledger.Load()
	if c == nil {
		return
	}
	c.closeMu.Lock()
	if !c.closed {
		c.closed = true
		close(c.quit)
	}
	c.closeMu.Unlock()
	<-c.done
}

// submit hands r to the committer and waits for it. Once the committer has
// taken r, submit waits for the outcome whatever ctx says, so that an
// error always means the batch was not applied.
func (c *ledgerCommitter) submit(ctx context.Context, r *ledgerReq) error {
	r.done = make(chan struct{})
	c.closeMu.RLock()
	if c.closed {
		c.closeMu.RUnlock()
		return errLedgerClosed
	}
	select {
	case c.reqs <- r:
		c.closeMu.RUnlock()
	case <-ctx.Done():
		c.closeMu.RUnlock()
		return ctx.Err()
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return ctx.Err()
		}
		<-r.done
		return r.err
	}
}

func (c *ledgerCommitter) run() {
	defer close(c.done)
	for {
		var first *ledgerReq
		if c.carry != nil {
			first, c.carry = c.carry, nil
		} else {
			select {
			case first = <-c.reqs:
			case <-c.quit:
				// Commit what was queued before Close, then stop.
				for {
					select {
					case r := <-c.reqs:
						c.commit(c.gather(r))
					default:
						return
					}
				}
			}
		}
		c.commit(c.gather(first))
	}
}

// gather takes first and whatever else is queued, up to maxGroupTransfers
// transfers; an expiry round always commits alone. What does not fit is
// carried to the next group.
func (c *ledgerCommitter) gather(first *ledgerReq) []*ledgerReq {
	if !first.state.CompareAndSwap(reqQueued, reqTaken) {
		return nil
	}
	group := []*ledgerReq{first}
	if first.expire {
		return group
	}
	n := first.size()
	for n < maxGroupTransfers {
		select {
		case r := <-c.reqs:
			if r.expire || n+r.size() > maxGroupTransfers {
				c.carry = r
				return group
			}
			if !r.state.CompareAndSwap(reqQueued, reqTaken) {
				continue
			}
			group = append(group, r)
			n += r.size()
		default:
			return group
		}
	}
	return group
}

// readAhead is what a caller read of the accounts its request names, off
// the writer: ids it looked for, those it found, and the committer's gen
// before it looked.
type readAhead struct {
	gen   uint64
	ids   []ledger.ID
	found map[ledger.ID]*ledger.Account
}

// readAheadMin is the smallest request whose accounts the caller reads
// itself: a purchase's few are not worth a query of their own.
const readAheadMin = 64

// readAhead reads the accounts r names through the readers' pool, on
// another core than the committer's, which then needs not read them in
// its transaction. A failed read is no error: the committer reads them.
//
// Only a large request that opens accounts is read ahead: a month's
// funding, which names accounts untouched for a month, mostly gone from
// the committer's cache. Read ahead, the transfers between accounts in
// use (purchases, payouts to the same citizens), which the cache already
// holds, were a third slower: one client waits for its own read, and many
// clients' reads take the core the committer's work would have had.
func (c *ledgerCommitter) readAhead(ctx context.Context, r *ledgerReq) {
	if len(r.as) == 0 || r.size() < readAheadMin {
		return
	}
	gen := c.gen.Load()
	seen := make(map[ledger.ID]bool, 2*r.size())
	var ids []ledger.ID
	add := func(id ledger.ID) {
		if !id.IsZero() && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i := range r.as {
		add(r.as[i].ID)
	}
	for i := range r.ts {
		add(r.ts[i].DebitAccount)
		add(r.ts[i].CreditAccount)
	}
	found, err := c.s.ledgerAccounts(ctx, c.s.db, ids)
	if err != nil {
		return
	}
	r.read = &readAhead{gen: gen, ids: ids, found: found}
}

// forget records that the cache dropped accounts.
func (c *ledgerCommitter) forget() { c.forgotten = c.gen.Add(1) }

// current reports whether what a caller read ahead may stand for the
// database.
func (c *ledgerCommitter) current(ra *readAhead) bool {
	return ra != nil && ra.gen >= c.forgotten && ra.gen >= c.evicted
}

// evictAfter is how many groups an account stays in the cache, at least,
// after it was last written.
const evictAfter = 16

// evict drops about a quarter of the cached accounts, among those not
// written for evictAfter groups.
func (c *ledgerCommitter) evict() {
	gen := c.gen.Load()
	n := len(c.accounts) / 4
	for id := range c.accounts {
		t := c.touched[id]
		if t+evictAfter > gen {
			continue
		}
		delete(c.accounts, id)
		delete(c.touched, id)
		c.evicted = max(c.evicted, t)
		if n--; n <= 0 {
			return
		}
	}
}

// size is what r weighs in a group: its accounts and transfers.
func (r *ledgerReq) size() int { return len(r.as) + len(r.ts) }

// commit applies group in one transaction and wakes its callers. When the
// transaction fails, each batch is tried again alone, so that one bad
// batch fails only its own caller.
func (c *ledgerCommitter) commit(group []*ledgerReq) {
	if len(group) == 0 {
		return
	}
	err := c.commitRetrying(group)
	if err != nil && len(group) > 1 {
		for _, r := range group {
			finish(r, c.commitRetrying([]*ledgerReq{r}))
		}
		return
	}
	for _, r := range group {
		finish(r, err)
	}
}

// finish wakes r's caller; a failed request applied nothing.
func finish(r *ledgerReq, err error) {
	if r.err = err; err != nil {
		r.ars, r.rs, r.n, r.more = nil, nil, 0, false
	}
	close(r.done)
}

// errRetryCareful: a transfer the optimistic pass took for new, or
// refused, is stored already.
var errRetryCareful = errors.New("ledger: a transfer of the batch is stored already")

// commitRetrying commits group optimistically first: without looking up
// the batches' own transfer ids, which are new but for retries. A new id
// that is not (the insert's unique violation), or a refused transfer that
// is stored already (looked up after Apply: it should have been
// ResultExists, and may change its linked chain), sends the group again,
// carefully: with every id looked up before Apply.
func (c *ledgerCommitter) commitRetrying(group []*ledgerReq) error {
	careful := false
	for try := 0; ; try++ {
		err := c.commitGroup(group, careful)
		if err != nil && try < 3 && (errors.Is(err, errRetryCareful) || isUniqueViolation(err)) {
			careful = true
			continue
		}
		return err
	}
}

// group is what one transaction applies, shared by its batches' Books.
type group struct {
	now       time.Time
	accounts  map[ledger.ID]*ledger.Account // the committer's cache
	transfers map[ledger.ID]*ledger.Transfer
	dirty     map[ledger.ID]bool
	created   []*ledger.Transfer
	resolved  []ledger.ID
	opened    []*ledger.Account // accounts the group's batches created
}

func (c *ledgerCommitter) commitGroup(reqs []*ledgerReq, careful bool) (err error) {
	ctx := c.ctx
	s := c.s
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.dialect == sqliteDialect {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=FULL`); err != nil {
			return fmt.Errorf("synchronous=FULL: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous=NORMAL`)
	}
	t, err := s.beginOn(ctx, conn)
	if err != nil {
		return err
	}
	var g *group
	defer func() {
		t.rollback()
		switch {
		case err == nil:
		case g != nil && (errors.Is(err, errRetryCareful) || isUniqueViolation(err)):
			// Apply changed only the dirty accounts, and nothing was
			// committed.
			for id := range g.dirty {
				delete(c.accounts, id)
				delete(c.touched, id)
			}
			c.forget()
		default:
			// The cache may hold sums that were never committed, or
			// were: read them again.
			clear(c.accounts)
			clear(c.touched)
			c.seq = 0
			c.forget()
		}
	}()
	if s.dialect == postgresDialect {
		if _, err := t.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, int32(ledgerLockKey)); err != nil {
			return fmt.Errorf("lock ledger: %w", err)
		}
	}
	var last uint64
	if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM ledger_batches`).Scan(&last); err != nil {
		return fmt.Errorf("last batch: %w", err)
	}
	if last != c.seq {
		clear(c.accounts) // another writer committed since
		clear(c.touched)
		c.seq = last
		c.forget()
	}
	g = &group{now: time.Now().UTC().Truncate(time.Microsecond), accounts: c.accounts, transfers: map[ledger.ID]*ledger.Transfer{}, dirty: map[ledger.ID]bool{}}
	if reqs[0].expire {
		if err := c.expire(ctx, t, g, reqs[0]); err != nil {
			return err
		}
	} else if err := c.apply(ctx, t, g, reqs, careful); err != nil {
		return err
	}
	if len(g.created) == 0 && len(g.resolved) == 0 && len(g.opened) == 0 {
		return t.commit(ctx)
	}
	seq := last
	if len(g.created) > 0 || len(g.resolved) > 0 {
		seq = last + 1
	}
	if err := s.writeGroup(ctx, t, g, seq); err != nil {
		return err
	}
	if err := t.commit(ctx); err != nil {
		return err
	}
	c.seq = seq
	gen := c.gen.Add(1)
	for id := range g.dirty {
		c.touched[id] = gen
	}
	if len(c.accounts) > maxCachedAccounts {
		c.evict()
	}
	return nil
}

// apply reads what the group's batches name and decides each batch with a
// Book of its own over the group's shared accounts and transfers. Unless
// careful, it reads only the pending transfers the batches post or void,
// and checks afterwards that no transfer it refused is stored.
func (c *ledgerCommitter) apply(ctx context.Context, t *tx, g *group, reqs []*ledgerReq, careful bool) error {
	var ids []ledger.ID
	for _, r := range reqs {
		for i := range r.ts {
			if id := r.ts[i].ID; careful && !id.IsZero() {
				ids = append(ids, id)
			}
			if id := r.ts[i].PendingID; !id.IsZero() {
				ids = append(ids, id)
			}
		}
	}
	if err := c.s.ledgerTransfers(ctx, t, ids, g.transfers); err != nil {
		return fmt.Errorf("read transfers: %w", err)
	}
	// What callers read ahead and is still current stands for the
	// database: found accounts join the cache, the others do not exist,
	// and neither is read again.
	var need []ledger.ID
	seen := map[ledger.ID]bool{}
	for _, r := range reqs {
		if !c.current(r.read) {
			continue
		}
		for _, id := range r.read.ids {
			seen[id] = true
			if _, ok := c.accounts[id]; !ok {
				if a := r.read.found[id]; a != nil {
					c.accounts[id] = a
				}
			}
		}
	}
	want := func(id ledger.ID) {
		if id.IsZero() || seen[id] {
			return
		}
		seen[id] = true
		if _, ok := c.accounts[id]; !ok {
			need = append(need, id)
		}
	}
	for _, r := range reqs {
		for i := range r.as {
			want(r.as[i].ID)
		}
		for i := range r.ts {
			want(r.ts[i].DebitAccount)
			want(r.ts[i].CreditAccount)
			if p := g.transfers[r.ts[i].PendingID]; p != nil {
				want(p.DebitAccount)
				want(p.CreditAccount)
			}
		}
	}
	if err := c.load(ctx, t, need); err != nil {
		return err
	}
	var refused []ledger.ID
	for _, r := range reqs {
		r.ars = c.open(g, r.as)
		b := &ledger.Book{Now: g.now, Accounts: c.accounts, Transfers: g.transfers, Dirty: g.dirty}
		r.rs = b.Apply(r.ts)
		g.created = append(g.created, b.Created...)
		g.resolved = append(g.resolved, b.Resolved...)
		for i, res := range r.rs {
			if id := r.ts[i].ID; !careful && !res.Applied() && !id.IsZero() {
				refused = append(refused, id)
			}
		}
	}
	if len(refused) > 0 {
		stored := map[ledger.ID]*ledger.Transfer{}
		if err := c.s.ledgerTransfers(ctx, t, refused, stored); err != nil {
			return fmt.Errorf("read transfers: %w", err)
		}
		if len(stored) > 0 {
			return errRetryCareful
		}
	}
	return nil
}

// open creates the accounts of as that do not exist (the cache holds
// every existing one the group named), and returns one Result each:
// ResultOK, ResultExists (same fields), or why it was refused. The new
// ones are dirty, so that a failed transaction forgets them.
func (c *ledgerCommitter) open(g *group, as []ledger.Account) []ledger.Result {
	rs := make([]ledger.Result, len(as))
	for i := range as {
		a := as[i]
		if rs[i] = ledger.CheckAccount(&a); rs[i] != ledger.ResultOK {
			continue
		}
		if old, ok := c.accounts[a.ID]; ok {
			rs[i] = ledger.ResultExistsWithDifferentFields
			if ledger.SameAccount(old, &a) {
				rs[i] = ledger.ResultExists
			}
			continue
		}
		a.Created, a.Latest = g.now, ledger.ID{}
		c.accounts[a.ID] = &a
		g.opened = append(g.opened, &a)
		g.dirty[a.ID] = true
	}
	return rs
}

// load reads accounts missing from the cache into it.
func (c *ledgerCommitter) load(ctx context.Context, t *tx, ids []ledger.ID) error {
	if len(ids) == 0 {
		return nil
	}
	m, err := c.s.ledgerAccounts(ctx, t, ids)
	if err != nil {
		return fmt.Errorf("read accounts: %w", err)
	}
	for id, a := range m {
		c.accounts[id] = a
	}
	return nil
}

// expire runs one expiry round: the pending transfers whose time ran out at
// or before r.now, at most expireRound of them.
func (c *ledgerCommitter) expire(ctx context.Context, t *tx, g *group, r *ledgerReq) error {
	s := c.s
	rows, err := t.QueryContext(ctx, s.dialect.rebind(`SELECT id FROM ledger_transfers
		WHERE state = 'pending' AND expires_us > 0 AND expires_us <= ? LIMIT ?`), micros(r.now), expireRound)
	if err != nil {
		return err
	}
	var ids []ledger.ID
	for rows.Next() {
		var b []byte
		var id ledger.ID
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return err
		}
		if err := scanID(b, &id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	r.more = len(ids) == expireRound
	if len(ids) == 0 {
		return nil
	}
	if err := s.ledgerTransfers(ctx, t, ids, g.transfers); err != nil {
		return err
	}
	var need []ledger.ID
	for _, p := range g.transfers {
		for _, id := range []ledger.ID{p.DebitAccount, p.CreditAccount} {
			if _, ok := c.accounts[id]; !ok {
				need = append(need, id)
			}
		}
	}
	if err := c.load(ctx, t, need); err != nil {
		return err
	}
	b := &ledger.Book{Now: r.now, Accounts: c.accounts, Transfers: g.transfers, Dirty: g.dirty}
	for _, id := range ids {
		if p := g.transfers[id]; p != nil && !p.ExpiresAt().After(r.now) && b.Expire(p) {
			r.n++
		}
	}
	g.resolved = b.Resolved
	return nil
}
