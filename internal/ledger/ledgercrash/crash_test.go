package ledgercrash

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// The harness: TestLedgerCrash runs the test binary again as the workload
// (TestLedgerCrashChild, told what to do by envChild), kills it with
// SIGKILL, restarts it, kills it again, then lets it finish and checks
// the ledger.
//
// On SQLite (a file in WAL mode, synchronous=NORMAL) the kill takes the
// database's only writer down mid-transaction: the next child's open
// recovers the WAL, and what was committed must be there, once. On
// PostgreSQL the server outlives its killed client, so committed data is
// never at risk (the test cluster even runs fsync=off): what is tested
// there is that a transaction cut off by its client's death is rolled
// back whole, and that the clients' retries with the same ids are
// harmless.

const (
	// envChild carries the child's childConfig as JSON.
	envChild = "ORTAQ_CRASH_CHILD"
	// envKills sets the number of kills (the full version: 120).
	envKills = "ORTAQ_CRASH_KILLS"
	// envSeed fixes the plan's seed, to reproduce a failure.
	envSeed = "ORTAQ_CRASH_SEED"

	shortKills   = 12
	crashClients = 4
	// hung is how long one child may run without being killed or done.
	hung = 3 * time.Minute
)

// childConfig is what the child needs to run the workload.
type childConfig struct {
	DSN            string
	Seed           uint64
	Clients, Steps int
	Dir            string
}

// TestLedgerCrashChild is the workload, when run as the harness's child.
func TestLedgerCrashChild(t *testing.T) {
	v := os.Getenv(envChild)
	if v == "" {
		t.Skip("the crash harness's child process; TestLedgerCrash runs it")
	}
	var cfg childConfig
	if err := json.Unmarshal([]byte(v), &cfg); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := workload(ctx, st, newPlan(cfg.Seed, cfg.Clients, cfg.Steps), cfg.Dir, false, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

func TestLedgerCrash(t *testing.T) {
	kills := shortKills
	if v := os.Getenv(envKills); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", envKills, v)
		}
		kills = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(envSeed); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", envSeed, v, err)
		}
		seed = n
	}
	t.Logf("seed %d (%s=%d plans the same workload), %d kills", seed, envSeed, seed, kills)
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			var dsn string
			if db == "sqlite" {
				dsn = "sqlite:" + filepath.Join(t.TempDir(), "ledger.db")
			} else {
				dsn = storetest.PostgresDSN(t)
			}
			ctx := context.Background()
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Migrate(ctx); err != nil {
				st.Close()
				t.Fatal(err)
			}
			st.Close()
			h := &harness{t: t, db: db, r: rand.New(rand.NewPCG(seed, 2)), killsBy: map[string]int{},
				cfg: childConfig{DSN: dsn, Seed: seed, Clients: crashClients, Steps: stepsFor(kills, crashClients), Dir: t.TempDir()}}
			h.crash(kills)
		})
	}
}

// harness runs and kills children and tallies what they say.
type harness struct {
	t   *testing.T
	db  string
	r   *rand.Rand
	cfg childConfig

	kills, capped, runs int
	killsBy             map[string]int
	steps, exists, lost int
	errs, bad           int
	errSamples          map[string]bool
	done                bool
	lastLines           []string
	// Where the killed children were when they died, from all they
	// said: with a batch sent and no answer yet (inBatch), pausing
	// between a pending transfer and its post or void (inGap), expiring
	// (inExpire).
	inBatch, inGap, inExpire int
	// The dying child's state: clients with a call in flight or in a
	// gap, and the expirer.
	sent, gapping map[string]bool
	expiring      bool
}

// policy is when to kill a child: on the first marker (after jitter), a
// time after @ready, or after a number of new steps; and in any case
// after stepKillCap new steps.
type policy struct {
	name   string
	marker string
	after  time.Duration
	steps  int
	jitter time.Duration
}

func (h *harness) policy() policy {
	us := func(lo, hi int) time.Duration { return time.Duration(lo+h.r.IntN(hi-lo+1)) * time.Microsecond }
	switch n := h.r.IntN(100); {
	case n < 25: // anywhere, by the clients' own pace
		return policy{name: "steps", steps: 1 + h.r.IntN(stepKillCap), jitter: us(0, 2000)}
	case n < 40: // between a pending transfer and its post or void
		return policy{name: "gap", marker: "@gap", jitter: us(0, 500)}
	case n < 52: // inside a batch of 40 to 150 transfers
		return policy{name: "bulk", marker: "@bulk", jitter: us(0, 3000)}
	case n < 67: // during expiry
		return policy{name: "expire", marker: "@expire", jitter: us(0, 1500)}
	case n < 77: // among concurrent spends of one voucher
		return policy{name: "spend", marker: "@spend", jitter: us(0, 1500)}
	case n < 87: // while setting up or replaying
		return policy{name: "early", after: us(0, 30_000)}
	default:
		return policy{name: "late", after: us(50_000, 600_000)}
	}
}

// child is one run of the workload.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr bytes.Buffer
}

func (h *harness) start() *child {
	h.t.Helper()
	cfg, err := json.Marshal(h.cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	c := &child{lines: make(chan string, 1024)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestLedgerCrashChild$", "-test.count=1", "-test.timeout=30m")
	c.cmd.Env = append(os.Environ(), envChild+"="+string(cfg))
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	h.runs++
	return c
}

// run reads what child c says until it exits, killing it as pol says (or
// never, for a zero policy). It reports whether c was killed.
func (h *harness) run(c *child, pol policy) (killed bool) {
	h.t.Helper()
	var timer, killAt <-chan time.Time
	watchdog := time.After(hung)
	steps := 0
	h.sent, h.gapping, h.expiring = map[string]bool{}, map[string]bool{}, false
	kill := func(after time.Duration) {
		if pol.name != "" && killAt == nil && !killed {
			killAt = time.After(after)
		}
	}
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				err := c.cmd.Wait()
				if !killed && err != nil {
					h.t.Fatalf("child exited: %v\n%s\n%s", err, strings.Join(h.lastLines, "\n"), tail(c.stderr.String()))
				}
				if killed {
					h.inBatch += b2i(len(h.sent) > 0)
					h.inGap += b2i(len(h.gapping) > 0)
					h.inExpire += b2i(h.expiring)
				}
				return killed
			}
			h.tally(line)
			switch {
			case line == "@ready" && pol.after > 0:
				timer = time.After(pol.after)
			case strings.HasPrefix(line, "@step "):
				steps++
				if pol.name == "steps" && steps >= pol.steps {
					kill(pol.jitter)
				}
				if steps >= stepKillCap && pol.name != "" && killAt == nil && !killed {
					h.capped++
					kill(0)
				}
			case pol.marker != "" && (line == pol.marker || strings.HasPrefix(line, pol.marker+" ")):
				kill(pol.jitter)
			}
		case <-timer:
			timer = nil
			kill(0)
		case <-killAt:
			killAt = nil
			if err := c.cmd.Process.Kill(); err == nil {
				killed = true
				h.kills++
				h.killsBy[pol.name]++
			}
		case <-watchdog:
			c.cmd.Process.Kill()
			h.t.Fatalf("child ran %v without being killed or done: hung?\n%s", hung, strings.Join(h.lastLines, "\n"))
		}
	}
}

func (h *harness) tally(line string) {
	if !strings.HasPrefix(line, "@") {
		h.lastLines = append(h.lastLines, line)
		if len(h.lastLines) > 20 {
			h.lastLines = h.lastLines[1:]
		}
		return
	}
	word, rest, _ := strings.Cut(line[1:], " ")
	client, _, _ := strings.Cut(rest, " ")
	switch word {
	case "send", "spend":
		h.sent[client] = true
		delete(h.gapping, client)
	case "gap":
		h.gapping[client] = true
	case "expire":
		h.expiring = true
	case "expired":
		h.expiring = false
	case "step":
		h.steps++
		delete(h.sent, client)
	case "exists":
		delete(h.sent, client)
		f := strings.Fields(rest)
		if n, err := strconv.Atoi(f[len(f)-1]); err == nil {
			h.exists += n
		}
	case "lost":
		h.lost++
	case "err":
		h.errs++
		if h.errSamples == nil {
			h.errSamples = map[string]bool{}
		}
		if len(h.errSamples) < 5 {
			h.errSamples[rest] = true
		}
	case "bad":
		h.bad++
		if h.bad <= 20 {
			h.t.Errorf("child: %s", rest)
		}
	case "done":
		h.done = true
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// crash kills the workload kills times, lets it finish, and checks the
// ledger.
func (h *harness) crash(kills int) {
	t := h.t
	began := time.Now()
	for h.kills < kills {
		pol := h.policy()
		h.run(h.start(), pol)
		if h.done {
			t.Fatalf("the workload finished after %d kills of %d: the plan is too small", h.kills, kills)
		}
	}
	if !h.run(h.start(), policy{}) && !h.done {
		t.Fatal("the last run ended without finishing")
	}
	elapsed := time.Since(began)

	ctx := context.Background()
	st, err := store.Open(ctx, h.cfg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := newPlan(h.cfg.Seed, h.cfg.Clients, h.cfg.Steps)
	c, problems, err := check(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range problems {
		if i == 30 {
			t.Errorf("… and %d more", len(problems)-i)
			break
		}
		t.Error(pr)
	}
	verdict := "ok"
	if len(problems) > 0 || h.bad > 0 {
		verdict = fmt.Sprintf("FAIL(%d)", len(problems)+h.bad)
	}
	var by []string
	for k, n := range h.killsBy {
		by = append(by, fmt.Sprintf("%s:%d", k, n))
	}
	sort.Strings(by)
	var errs []string
	for e := range h.errSamples {
		errs = append(errs, e)
	}
	sort.Strings(errs)
	if len(errs) > 0 {
		t.Logf("errors seen (retried): %s", strings.Join(errs, " | "))
	}
	// One line for bench/ledgercrash.sh.
	t.Logf("SUMMARY db=%s kills=%d in_batch=%d in_gap=%d in_expiry=%d runs=%d steps=%d planned=%d stored=%d refused=%d spends=%d races_won=%d exists=%d lost_acks=%d errors=%d time=%.1fs verify=%s by=%s capped=%d",
		h.db, h.kills, h.inBatch, h.inGap, h.inExpire, h.runs, h.steps, c.Planned, c.Stored, c.Refused, c.Spends, c.RacesWon,
		h.exists, h.lost, h.errs, elapsed.Seconds(), verdict, strings.Join(by, ","), h.capped)
}
