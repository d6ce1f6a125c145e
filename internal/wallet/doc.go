// Package wallet is the citizen's side of ortaq: signing in (a one-time
// code sent to the phone the registers hold, or the state's OpenID Connect
// provider), sessions, the citizen's own data with its provenance, who
// looked at it and why (from the audit log, with receipts), and requests
// to correct a value an agency holds, which go to that agency's work list
// and are accepted as a new record version or rejected with a reason.
// Consents are kept by package consent; the wallet lets their subject
// grant, pause and revoke them.
package wallet
