package names

import "strings"

// Parts is a personal name divided into its three conventional parts, in
// the original spelling. A missing part is empty; a part may hold several
// words (a two-word Kazakh patronymic "Әбіш ұлы", a double given name).
type Parts struct {
	Last, First, Middle string
}

// Split divides a full name written in one field (ФИО) into its parts,
// keeping each word's original spelling and case; only the spacing is
// normalised. It reads the name in the order Kazakh and Russian records use,
// Last First Middle, with these adjustments:
//
//   - a comma ends the surname: "Ivanov, Ivan Ivanovich" is Last "Ivanov",
//     then First and Middle from the rest;
//   - a separate ұлы, қызы, улы, кызы, uly, kyzy, оглы, уулу (any script)
//     is joined to the word before it, so "Әбіш ұлы" is one patronymic;
//   - the patronymic is the last word that Kind calls Patronymic (in
//     "Карпович Иван Петрович" the surname also ends in -ич). Before it,
//     the first word is the surname and the rest the given name; after it,
//     any extra words are appended to the middle name. When the patronymic
//     is the second of three words, the name is in the order First Middle
//     Last ("Иван Петрович Сидоров");
//   - two words of which the second is a patronymic are First and Middle
//     ("Нұрлан Әбішұлы"); otherwise two words are Last and First, and a
//     single word is the surname;
//   - with more than three words and no patronymic, the words after the
//     second go to the middle name.
func Split(full string) Parts {
	if last, rest, ok := strings.Cut(full, ","); ok {
		ws := words(rest)
		p := Parts{Last: strings.Join(strings.Fields(last), " ")}
		switch {
		case len(ws) == 0:
		case len(ws) == 1:
			p.First = ws[0]
		default:
			p.First = strings.Join(ws[:len(ws)-1], " ")
			p.Middle = ws[len(ws)-1]
			if pat := lastPatronymic(ws); pat > 0 {
				p.First = strings.Join(ws[:pat], " ")
				p.Middle = strings.Join(ws[pat:], " ")
			}
		}
		return p
	}

	ws := words(full)
	pat := lastPatronymic(ws)
	switch {
	case len(ws) == 0:
		return Parts{}
	case len(ws) == 1:
		return Parts{Last: ws[0]}
	case len(ws) == 2 && pat == 1:
		return Parts{First: ws[0], Middle: ws[1]}
	case len(ws) == 2:
		return Parts{Last: ws[0], First: ws[1]}
	case len(ws) == 3 && pat == 1:
		return Parts{First: ws[0], Middle: ws[1], Last: ws[2]}
	case pat >= 2:
		return Parts{
			Last:   ws[0],
			First:  strings.Join(ws[1:pat], " "),
			Middle: strings.Join(ws[pat:], " "),
		}
	}
	return Parts{Last: ws[0], First: ws[1], Middle: strings.Join(ws[2:], " ")}
}

// words splits a name on white space and joins a separate patronymic
// particle to the word before it.
func words(s string) []string {
	fs := strings.Fields(s)
	ws := fs[:0]
	for _, f := range fs {
		if len(ws) > 0 && Kind(f) == Particle {
			ws[len(ws)-1] += " " + f
			continue
		}
		ws = append(ws, f)
	}
	return ws
}

// lastPatronymic returns the index of the last word that looks like a
// patronymic, or -1.
func lastPatronymic(ws []string) int {
	for i := len(ws) - 1; i >= 0; i-- {
		if strings.Contains(ws[i], " ") || Kind(ws[i]) == Patronymic {
			return i
		}
	}
	return -1
}
