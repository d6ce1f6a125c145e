package synth

// phoneStyle is how an agency writes a mobile number.
type phoneStyle byte

const (
	phonePlain   phoneStyle = iota // +77012345678
	phoneEight                     // 87012345678
	phoneDashes                    // 8 (701) 234-56-78
	phoneSpaced                    // +7 701 234 56 78
	phoneBracket                   // +7 (701) 234-56-78
)

// appendPhone writes the ten-digit number n (7xxxxxxxxx) in style s; nothing
// when n is 0.
func appendPhone(b []byte, n int64, s phoneStyle) []byte {
	if n == 0 {
		return b
	}
	var d [10]byte
	for i := 9; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	switch s {
	case phonePlain:
		b = append(b, "+7"...)
		return append(b, d[:]...)
	case phoneEight:
		b = append(b, '8')
		return append(b, d[:]...)
	case phoneDashes:
		b = append(b, "8 ("...)
		b = append(b, d[:3]...)
		b = append(b, ") "...)
	case phoneSpaced:
		b = append(b, "+7 "...)
		b = append(b, d[:3]...)
		b = append(b, ' ')
		b = append(b, d[3:6]...)
		b = append(b, ' ')
		b = append(b, d[6:8]...)
		b = append(b, ' ')
		return append(b, d[8:]...)
	case phoneBracket:
		b = append(b, "+7 ("...)
		b = append(b, d[:3]...)
		b = append(b, ") "...)
	}
	b = append(b, d[3:6]...)
	b = append(b, '-')
	b = append(b, d[6:8]...)
	b = append(b, '-')
	return append(b, d[8:]...)
}
