package textsim

import (
	"unicode/utf8"
	"unsafe"
)

// stackRunes is the longest string, in runes, that is compared without a
// heap allocation. Names, even full three-part names, are far shorter; the
// limit only bounds the stack frame.
const stackRunes = 64

// element is what the comparisons work on: bytes for pure-ASCII input,
// runes otherwise. Keeping both instantiations lets ASCII text skip UTF-8
// decoding, which is most of the cost for short strings.
type element interface{ byte | rune }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// bytesOf views s as bytes without copying. The comparisons only read their
// input, so sharing the string's memory is safe and saves a copy per call.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// appendRunes decodes s onto buf. With buf backed by a stack array of
// stackRunes, short strings are decoded without allocating; longer ones grow
// buf on the heap.
func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}
