package wallet

// Messages are the texts of correction requests' states and of the work
// list item an accepted request leaves an agency: message key -> language
// -> text, in the format of the web layer's catalogue, which registers it.
// Texts with %s take a formatted date, a value or a request id.
//
// "correction.status." + s is both a state's badge (StateKey) and the
// status of a request's event: an acceptance event reads "accepted", never
// "fixed", because the agency's system may still hold the old value.
var Messages = map[string]map[string]string{
	"correction.status.open":     {"kk": "қаралуда", "ru": "на рассмотрении", "en": "being reviewed"},
	"correction.status.accepted": {"kk": "қабылданды", "ru": "принято", "en": "accepted"},
	"correction.status.rejected": {"kk": "қабылданбады", "ru": "отклонено", "en": "rejected"},
	"correction.status.waiting": {
		"kk": "қабылданды; мекеме жүйесіне енгізілуі күтілуде",
		"ru": "принято; ожидается внесение в систему ведомства",
		"en": "accepted; waiting for the agency's system",
	},
	"correction.status.applied": {
		"kk": "мекеме жүйесіне енгізілді",
		"ru": "внесено в систему ведомства",
		"en": "applied in the agency's system",
	},
	"correction.status.superseded": {
		"kk": "кейінгі түзетумен ауыстырылды",
		"ru": "заменено более поздним исправлением",
		"en": "replaced by a later correction",
	},
	"correction.note.waiting": {
		"kk": "Мекеме түзетуді қабылдады, бірақ оның өз жүйесінде әлі бұрынғы мән тұр. Ол жаңартылғанша ortaq түзетілген мәнді көрсетеді. Мекеменің енгізу мерзімі: %s.",
		"ru": "Ведомство приняло исправление, но в его собственной системе пока прежнее значение. До её обновления ortaq показывает исправленное значение. Срок внесения ведомством: %s.",
		"en": "The agency accepted the correction, but its own system still holds the old value. Until it is updated, ortaq shows the corrected value. The agency's deadline to apply it: %s.",
	},
	"correction.note.applied": {
		"kk": "Түзетілген мән мекеменің өз жүйесіне енгізілді. Күні: %s.",
		"ru": "Исправленное значение внесено в собственную систему ведомства. Дата: %s.",
		"en": "The corrected value is now in the agency's own system. Date: %s.",
	},
	"correction.unapplied": {
		"kk": "Қабылданған түзету сіздің жүйеңізге әлі енгізілмеген",
		"ru": "Принятое исправление ещё не внесено в вашу систему",
		"en": "Accepted correction not yet applied in your system",
	},
	"correction.unapplied.due": {"kk": "Мерзімі: %s", "ru": "Срок: %s", "en": "Deadline: %s"},
	"correction.unapplied.values": {
		"kk": "Бұрынғы мәні: «%s»; қабылданған мәні: «%s»",
		"ru": "Было: «%s»; принято: «%s»",
		"en": "Was: “%s”; accepted: “%s”",
	},
	"correction.provenance": {
		"kk": "Азаматтың мекеме қабылдаған түзетуі (%s)",
		"ru": "Исправление гражданина, принятое ведомством (%s)",
		"en": "Citizen's correction accepted by the agency (%s)",
	},
}
