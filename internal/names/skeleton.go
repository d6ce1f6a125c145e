package names

// skeleton is Fold's second pass: it rewrites lower-case ASCII words
// (separated by single spaces) into the matching skeleton, appending to dst.
//
// Each rule exists because the same letter of a name is spelled in several
// ways by the sources ortaq reads; where two readings of a Latin spelling
// compete, Kazakh and Russian names decide:
//
//   - kh → h: ICAO writes х as kh, the 2021 alphabet and informal Latin as h.
//     After z, t or p the kh is kept (зх, тх, пх), so that it is not read
//     back as ж, th or ph;
//   - zh, j, dzh, dj → j: ICAO writes ж as zh, the 2021 alphabet as j, and
//     дж is dzh, dj or (English) j. j therefore always stands for ж/дж and
//     never for й, even though German and Polish spellings (Jan, Julija) use
//     it so: the 2021 alphabet writes Жанар, Жұлдыз, Бауыржан with j, and
//     those are far more common here;
//   - shch, sch, şş → sh: щ is shch in ICAO, sch in German spellings and şş
//     in the 2021 alphabet, and is commonly simplified to sh; Polish sz (ш)
//     and szcz (щ) → sh too;
//   - tsch, tch, cz → ch (German, English, Polish ч); ts, tz and tc before a,
//     o, u → ts (ц, written tc by Russian passports of 2010-2013);
//   - c → s before e, i, y and k elsewhere; ck, q → k; x → ks; ph → f;
//     th → t; w → v: Latin letters that Cyrillic writes with other letters.
//     ch at the start of a word followed by r is k (Christina, Christoph);
//   - dz → z: Japanese and Georgian дз against their Latin z, j;
//   - a run of i and y before a vowel is a glide (й, or the start of я, ю,
//     ё, е): at the start of a word or after a vowel it is y, except before
//     e, where it is dropped, because Cyrillic е carries it (Yerlan, Ерлан,
//     Erlan; Nazarbayev, Назарбаев); after a consonant it is i (Дарья, Daria,
//     Darya → daria; Мария, Mariia, Mariya → maria), except that a lone y
//     before e is dropped (Grigoryev, Григорьев) and y or i before o is ё,
//     spelled e as ICAO does (Pyotr, Piotr → petr; Соловьёв → solovev);
//     elsewhere each i or y is the vowel i (ы and и are not told apart: Abylai
//     and Abilai, -skiy, -skii, -sky all agree);
//   - a repeated letter is written once (Анна, Ana; Kassym, Касым), except
//     ee, which the Russian -еев and -еевич keep in every spelling and which
//     Base needs to recover the father's name (Сергеевич → sergei), and kk
//     before a final -қызы (Серікқызы), whose first k ends the father's name.
func skeleton(dst, src []byte) []byte {
	start := 0
	for i := 0; i <= len(src); i++ {
		if i == len(src) || src[i] == ' ' {
			if i > start {
				if len(dst) > 0 {
					dst = append(dst, ' ')
				}
				dst = word(dst, src[start:i])
			}
			start = i + 1
		}
	}
	return dst
}

// at returns w[i], or 0 past the end.
func at(w []byte, i int) byte {
	if i < len(w) {
		return w[i]
	}
	return 0
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'
}

// out is the word being written: dst from begin on. Its methods apply the
// rules that depend on what has already been written, which keeps Fold
// idempotent: a written letter pair is never one that a second pass would
// read differently.
type out struct {
	dst   []byte
	begin int
}

func (o out) last() byte {
	if len(o.dst) > o.begin {
		return o.dst[len(o.dst)-1]
	}
	return 0
}

func (o out) endsWith(a, b byte) bool {
	n := len(o.dst)
	return n-o.begin >= 2 && o.dst[n-2] == a && o.dst[n-1] == b
}

// put writes one letter unless it repeats the last one (except e; see
// skeleton).
func (o out) put(c byte) out {
	if c != o.last() || c == 'e' {
		o.dst = append(o.dst, c)
	}
	return o
}

// put2 writes sh or ch. A repeat is dropped (the 2021 şş for щ), and so is
// a t or ts just before ch (German tsch, English tch); ch after s is sh
// (German sch, Polish scz).
func (o out) put2(a, b byte) out {
	if o.endsWith(a, b) {
		return o
	}
	if a == 'c' {
		switch {
		case o.endsWith('s', 'h'):
			return o
		case o.endsWith('t', 's'):
			o.dst = o.dst[:len(o.dst)-2]
			return o.put2(a, b)
		case o.last() == 't':
			o.dst = o.dst[:len(o.dst)-1]
			return o.put2(a, b)
		case o.last() == 's':
			o.dst = o.dst[:len(o.dst)-1]
			return o.put2('s', 'h')
		}
	}
	o.dst = append(o.dst, a, b)
	return o
}

// putK writes k, keeping a double kk when the rest of the word is the
// Kazakh -қызы (rest starts after the k): in Серікқызы the first k ends the
// father's name, and Base needs it to give serik rather than seri.
func (o out) putK(rest []byte) out {
	if o.last() == 'k' && len(rest) == 3 && (rest[0] == 'y' || rest[0] == 'i') &&
		rest[1] == 'z' && (rest[2] == 'y' || rest[2] == 'i') {
		o.dst = append(o.dst, 'k')
		return o
	}
	return o.put('k')
}

// putZ writes z, unless the letter before would pair with it into a
// digraph that a second pass reads differently: sz is sh, tz is ts, dz is z.
func (o out) putZ() out {
	switch o.last() {
	case 's':
		o.dst = o.dst[:len(o.dst)-1]
		return o.put2('s', 'h')
	case 't':
		return o.put('s')
	case 'd':
		o.dst = o.dst[:len(o.dst)-1]
		return o.putZ()
	}
	return o.put('z')
}

// putH writes h; after s that makes sh, which must not repeat.
func (o out) putH() out {
	if o.last() == 's' {
		o.dst = o.dst[:len(o.dst)-1]
		return o.put2('s', 'h')
	}
	return o.put('h')
}

// putJ writes j, absorbing a d just before it: dzh, dj and j all spell дж.
func (o out) putJ() out {
	if o.last() == 'd' {
		o.dst = o.dst[:len(o.dst)-1]
	}
	return o.put('j')
}

// word appends the skeleton of one word w to dst. Each case reads the
// letter at w[i] with up to three letters of look-ahead; the out methods
// look back at what is already written.
func word(dst, w []byte) []byte {
	if w[0] >= '0' && w[0] <= '9' {
		return append(dst, w...) // a number (FoldText): kept as written
	}
	o := out{dst: dst, begin: len(dst)}
	for i := 0; i < len(w); {
		c := w[i]
		n1, n2, n3 := at(w, i+1), at(w, i+2), at(w, i+3)
		i++
		switch c {
		case 'k', 'q':
			if n1 != 'h' {
				o = o.putK(w[i:])
				break
			}
			i++
			switch o.last() {
			case 'k': // кх: the k is enough
			case 'z', 't', 'p':
				o = o.put('k')
				o = o.put('h')
			default:
				o = o.putH()
			}
		case 'h':
			switch o.last() {
			case 'k', 'z', 'p', 't': // a second pass would read a digraph
			default:
				o = o.putH()
			}
		case 'z':
			if n1 == 'h' {
				o = o.putJ()
				i++
				break
			}
			o = o.putZ()
		case 'j':
			o = o.putJ()
		case 'd':
			switch {
			case n1 == 'z' && n2 == 'h':
				o = o.putJ()
				i += 2
			case n1 == 'j':
				o = o.putJ()
				i++
			case n1 == 'z':
				o = o.putZ()
				i++
			default:
				o = o.put('d')
			}
		case 's':
			switch {
			case n1 == 'h' && n2 == 'c' && n3 == 'h':
				o = o.put2('s', 'h')
				i += 3
			case n1 == 'c' && n2 == 'h':
				o = o.put2('s', 'h')
				i += 2
			case n1 == 'h' || n1 == 'z':
				o = o.put2('s', 'h')
				i++
			default:
				o = o.put('s')
			}
		case 't':
			switch {
			case n1 == 's' && n2 == 'c' && n3 == 'h':
				o = o.put2('c', 'h')
				i += 3
			case n1 == 'c' && n2 == 'h':
				o = o.put2('c', 'h')
				i += 2
			case (n1 == 's' || n1 == 'z') && n2 != 'h',
				n1 == 'c' && (n2 == 'a' || n2 == 'o' || n2 == 'u'):
				o = o.put('t')
				o = o.put('s')
				i++
			case n1 == 'h':
				o = o.put('t')
				i++
			default:
				o = o.put('t')
			}
		case 'c':
			switch n1 {
			case 'h':
				o = o.put2('c', 'h')
				i++
			case 'k':
				o = o.put('k')
				i++
			case 'z':
				o = o.put2('c', 'h')
				i++
			case 'e', 'i', 'y':
				o = o.put('s')
			default:
				o = o.put('k')
			}
		case 'r':
			if len(o.dst)-o.begin == 2 && o.endsWith('c', 'h') { // Christina
				o.dst = o.dst[:o.begin]
				o = o.put('k')
			}
			o = o.put('r')
		case 'p':
			if n1 == 'h' {
				o = o.put('f')
				i++
				break
			}
			o = o.put('p')
		case 'x':
			o = o.put('k')
			o = o.put('s')
		case 'w':
			o = o.put('v')
		case 'i', 'y':
			o, i = o.glide(w, i-1)
		default:
			o = o.put(c)
		}
	}
	return o.dst
}

// glide writes the run of i and y that starts at w[from] (see skeleton) and
// returns the index after what it consumed.
func (o out) glide(w []byte, from int) (out, int) {
	r := from
	for r < len(w) && (w[r] == 'i' || w[r] == 'y') {
		r++
	}
	next := at(w, r)
	if !isVowel(next) {
		o = o.put('i')
		return o, r
	}
	if prev := o.last(); prev == 0 || isVowel(prev) {
		if next != 'e' {
			o = o.put('y')
		}
		return o, r
	}
	// After a consonant; the run's last letter is the glide.
	glide := w[r-1]
	if r-1 > from {
		o = o.put('i') // a vowel before the glide: Aliyev, Bakhtiyor
	}
	switch {
	case glide == 'y' && next == 'e':
		// Grigoryev, Aliyev: е is already iotated.
	case next == 'o' && (glide == 'y' || at(w, r+1) != 0):
		// ё: Pyotr, Piotr (2021 Latin) → petr. A final io (Antonio,
		// Sergio) stays.
		o = o.put('e')
		return o, r + 1
	default:
		o = o.put('i')
	}
	return o, r
}
