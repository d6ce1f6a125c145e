// Package textsim measures how alike two short strings are: Jaro–Winkler
// similarity and optimal-string-alignment edit distance.
//
// Entity resolution calls these functions for every candidate pair and every
// compared attribute, hundreds of millions of times in one run, so they are
// written for that loop: strings of up to 64 runes are compared without any
// heap allocation (the work arrays live on the stack), pure-ASCII inputs are
// compared byte by byte without decoding UTF-8, and longer strings fall back
// to allocated arrays rather than failing. Non-ASCII strings are compared rune
// by rune, so one Cyrillic letter counts as one character, not two bytes.
// Invalid UTF-8 bytes decode to U+FFFD, as in a range loop.
//
// All functions are safe for concurrent use; they keep no state.
package textsim
