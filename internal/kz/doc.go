// Package kz holds what is specific to Kazakhstan and shared by every part of
// ortaq: the individual and business identification numbers (IIN, BIN) with
// their check digits, and the administrative regions.
package kz
