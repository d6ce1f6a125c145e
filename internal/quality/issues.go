package quality

import "strings"

// issueMark marks an argument as the reason ingest flagged a value
// invalid: English text from the source package ("iin: check digit does
// not match"), which Render writes in the reader's language where it
// knows the reason.
const issueMark = "@issue:"

// issueArg marks an ingest reason as a message argument.
func issueArg(reason string) string { return issueMark + reason }

// issueKeys are the ingest's reasons (internal/source's normalisers, the
// kz package's IIN and BIN errors) by their English text, and by their
// prefix for those that end in data (a date format, a list of values).
var issueKeys = map[string]string{
	"iin: check digit does not match":                   "q.issue.check_digit",
	"bin: check digit does not match":                   "q.issue.check_digit",
	"iin: must be 12 digits":                            "q.issue.length",
	"bin: must be 12 digits":                            "q.issue.length",
	"iin: must contain only digits":                     "q.issue.digits",
	"bin: must contain only digits":                     "q.issue.digits",
	"iin: no check digit exists for these digits":       "q.issue.unissuable",
	"bin: no check digit exists for these digits":       "q.issue.unissuable",
	"iin: 7th digit must be 1-6 (century and sex)":      "q.issue.century",
	"iin: first six digits are not a valid birth date":  "q.issue.iin_date",
	"bin: digits 3-4 must be a registration month":      "q.issue.bin_month",
	"bin: 5th digit must be 4, 5 or 6 (kind of entity)": "q.issue.bin_kind",
	"date: not a calendar date":                         "q.issue.calendar",
	"int: not an integer":                               "q.issue.int",
	"number: not a decimal number":                      "q.issue.number",
	"email: contains a space":                           "q.issue.email",
	"email: expected text@text":                         "q.issue.email",
	"sex: expected M or F (or М/Ж, Е/Ә, male/female, муж/жен, ер/әйел); map other codes with values:": "q.issue.sex",
}

var issuePrefixes = []struct{ prefix, key string }{
	{"date: does not match ", "q.issue.date_format"},
	{"not one of the allowed values: ", "q.issue.allowed"},
}

// renderIssue writes an ingest reason in lang: its message when the reason
// is known (with the data it ends in), else the reason as it is; English
// readers get the ingest's own text.
func renderIssue(lang, reason string) string {
	if lang == DefaultLang {
		return reason // the ingest's own words, with every detail
	}
	if key, ok := issueKeys[reason]; ok {
		return render(lang, key, nil, nil)
	}
	for _, p := range issuePrefixes {
		if rest, ok := strings.CutPrefix(reason, p.prefix); ok {
			return render(lang, p.key, []string{rest}, nil)
		}
	}
	return reason
}

// issueMessages are the texts of the ingest's reasons.
var issueMessages = map[string]map[string]string{
	"q.issue.check_digit": {"en": "check digit does not match", "ru": "не совпадает контрольная цифра", "kk": "бақылау саны сәйкес емес"},
	"q.issue.length":      {"en": "must be 12 digits", "ru": "должно быть 12 цифр", "kk": "12 цифр болуы керек"},
	"q.issue.digits":      {"en": "must contain only digits", "ru": "допустимы только цифры", "kk": "тек цифрлар болуы керек"},
	"q.issue.unissuable":  {"en": "no check digit exists for these digits", "ru": "для этих цифр контрольная цифра невозможна", "kk": "бұл цифрларға бақылау саны болмайды"},
	"q.issue.century":     {"en": "7th digit must be 1-6 (century and sex)", "ru": "7-я цифра должна быть от 1 до 6 (век и пол)", "kk": "7-цифр 1-ден 6-ға дейін болуы керек (ғасыр және жыныс)"},
	"q.issue.iin_date":    {"en": "first six digits are not a valid birth date", "ru": "первые шесть цифр — не дата рождения", "kk": "алғашқы алты цифр туған күн емес"},
	"q.issue.bin_month":   {"en": "digits 3-4 must be a registration month", "ru": "3-я и 4-я цифры должны быть месяцем регистрации", "kk": "3-4-цифрлар тіркелген ай болуы керек"},
	"q.issue.bin_kind":    {"en": "5th digit must be 4, 5 or 6 (kind of entity)", "ru": "5-я цифра должна быть 4, 5 или 6 (вид лица)", "kk": "5-цифр 4, 5 немесе 6 болуы керек (тұлға түрі)"},
	"q.issue.calendar":    {"en": "not a calendar date", "ru": "такой даты нет в календаре", "kk": "күнтізбеде мұндай күн жоқ"},
	"q.issue.int":         {"en": "not an integer", "ru": "не целое число", "kk": "бүтін сан емес"},
	"q.issue.number":      {"en": "not a decimal number", "ru": "не число", "kk": "сан емес"},
	"q.issue.email":       {"en": "not an email address", "ru": "не адрес электронной почты", "kk": "электрондық пошта мекенжайы емес"},
	"q.issue.sex":         {"en": "expected M or F", "ru": "ожидается М или Ж", "kk": "Е немесе Ә күтіледі"},
	"q.issue.date_format": {"en": "does not match the date format %s", "ru": "не соответствует формату даты %s", "kk": "күн пішіміне (%s) сай емес"},
	"q.issue.allowed":     {"en": "not one of the allowed values: %s", "ru": "нет среди допустимых значений: %s", "kk": "рұқсат етілген мәндердің бірі емес: %s"},
}

func init() {
	for k, v := range issueMessages {
		Messages[k] = v
	}
}

// IssueIn writes reason, why ingest flagged a value invalid, in lang, for
// a page that shows the flag itself ("" stays "").
func IssueIn(lang, reason string) string {
	if reason == "" {
		return ""
	}
	return renderIssue(lang, reason)
}
