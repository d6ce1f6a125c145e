// Package kz holds what is specific to Kazakhstan and shared by every part of
// ortaq: the individual and business identification numbers (IIN, BIN) with
// their check digits, the administrative regions, and transliteration between
// Kazakh Cyrillic, Russian Cyrillic and the two Latin spellings in use.
package kz
