// Package ledgercrash is the ledger's crash harness (issue 16, "Faults"):
// its tests run a ledger workload in a child process, kill it with SIGKILL
// at a hundred or more points (inside batches, between a pending transfer
// and its post, during expiry, among concurrent spends of one voucher),
// restart it with its clients retrying the same ids, and then check the
// stored ledger against a model computed from the plan alone, not by the
// engine: every planned transfer happened exactly once with its planned
// fields, every chain planned to fail left nothing, every balance is the
// model's, every pending transfer met its planned fate or expired, no
// account is overdrawn, no voucher gave more than it held, and
// store.VerifyLedger finds nothing.
//
// The package holds only tests. The short version runs with the suite;
// ORTAQ_CRASH_KILLS=120 runs the full one (bench/ledgercrash.sh).
package ledgercrash
