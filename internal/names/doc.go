// Package names makes personal names comparable across the scripts and
// spellings in which Kazakhstan's agencies record them.
//
// One person's name reaches ortaq as Kazakh Cyrillic (Нұрсұлтан Әбішұлы),
// as Russian Cyrillic or Kazakh folded to it (Нурсултан Абишулы), in the
// passport Latin of ICAO Doc 9303 (NURSULTAN ABISHULY), in the 2021 Kazakh
// Latin alphabet (Nūrsūltan Äbışūly) and in informal Latin (Nursultan
// Abishuli, Nazarbayev for Назарбаев). Fold maps every one of them to a
// single lower-case ASCII skeleton, so that spellings of one name become
// equal or, by Jaro–Winkler, very close; Base then removes the endings that
// differ between the forms of one family or father's name (Ахметов/Ахметова,
// Нурланович/Нұрланқызы), Split divides a name written in one field into
// its parts, and Kind tells a patronymic or a gendered surname by its
// ending. FoldText folds free text such as addresses the same way but keeps
// its numbers.
//
// The skeleton is for matching only: it loses distinctions (ы and и, ш and
// сх) on purpose and must never be shown or stored as the person's name.
package names
