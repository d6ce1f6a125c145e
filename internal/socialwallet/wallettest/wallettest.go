// Package wallettest gives tests and benchmarks of the Social Wallet a
// country of confirmed offers without deciding it first.
package wallettest

import (
	"fmt"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// SeedFundable writes n households with a confirmed offer each, straight
// into the benefits tables (generating them through the benefits run would
// measure that instead): household i is "H" followed by 10000000+i, its
// offer and decision have id i, its recipient is a twelve-digit number
// (not a valid IIN: tests that need one set it) in an order unrelated to
// the households' (as in a country, where funding's walk by recipient
// meets households anywhere), three in ten are on АСП with four members,
// the rest on the large-family benefit.
func SeedFundable(b testing.TB, st *store.Store, n int) {
	b.Helper()
	start := time.Now()
	const gen = `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?) `
	const hh = `'H' || CAST(10000000 + i AS TEXT)`
	const asp = `(i % 10 < 3)`
	// i ↦ 1 + i·1000003 mod n permutes 1…n unless n is a multiple of that prime.
	iin := fmt.Sprintf(`CAST(100000000001 + (CAST(i AS BIGINT) * 1000003) %% %d AS TEXT)`, n)
	for _, q := range []string{
		gen + `INSERT INTO benefit_decisions (id, run_id, household, decision_date, inputs, inputs_hash, versions, results, created_at)
			SELECT i, 1, ` + hh + `, '2026-11-01', '', '', 'bench', '', '2026-11-01 00:00:00' FROM g`,
		gen + `INSERT INTO benefit_current (household, programme, amount, period)
			SELECT ` + hh + `, CASE WHEN ` + asp + ` THEN 'asp' ELSE 'large_family' END, 20000 + i % 50000, 'month' FROM g`,
		gen + `INSERT INTO benefit_offers (id, household, programme, decision_id, agency, recipient_iin, amount, period,
				language, status, created_at, expires_at, responded_at, confirmed_by, confirmed_at)
			SELECT i, ` + hh + `, CASE WHEN ` + asp + ` THEN 'asp' ELSE 'large_family' END, i, 'mlsp',
				` + iin + `, 20000 + i % 50000, 'month', 'kk', 'confirmed',
				'2026-11-01 00:00:00', '2026-12-01 00:00:00', '2026-11-01 00:00:00', 1, '2026-11-01 00:00:00' FROM g`,
		gen + `INSERT INTO benefit_household_members (household, person, iin)
			SELECT ` + hh + `, 'P' || CAST(i AS TEXT) || '-' || CAST(k.j AS TEXT), ` + iin + `
			FROM g, (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k WHERE ` + asp,
		gen + `INSERT INTO benefit_wellbeing (household, run_id, region, level, units, den, mask, poor)
			SELECT ` + hh + `, 1, CAST(10 + i % 20 AS TEXT), 'C', 1, 3, 0, 0 FROM g`,
	} {
		if _, err := storetest.Exec(b, st, q, n); err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	b.Logf("seeded %d households in %s", n, time.Since(start).Round(time.Second))
}
