package resolve

import "strings"

// Why an entity's lineage changed: the reasons resolution stores with a
// lineage event, in English, as the store keeps them. ReasonKey reads one
// back as a key of ReasonMessages and its arguments, so that a page shows
// it in the reader's language.
const (
	reasonFull        = "full resolve"
	reasonFullMoved   = "full resolve moved the record from "
	reasonFullJoined  = "full resolve joined its records to "
	reasonFullSpread  = "full resolve spread its records over other entities"
	reasonDeleted     = "the record was deleted at its source"
	reasonDisagrees   = "the record's new version no longer agrees with the rest of the entity"
	reasonNoMatch     = "no existing entity matches"
	reasonMatched     = "matched the entity's records"
	reasonBoth        = "a new record matches both entities"
	reasonLastDeleted = "its last record was deleted"
)

// reasonKeys maps each whole reason to its message key.
var reasonKeys = map[string]string{
	reasonFull:        "lineage.reason.full",
	reasonFullSpread:  "lineage.reason.full_spread",
	reasonDeleted:     "lineage.reason.deleted",
	reasonDisagrees:   "lineage.reason.disagrees",
	reasonNoMatch:     "lineage.reason.no_match",
	reasonMatched:     "lineage.reason.matched",
	reasonBoth:        "lineage.reason.both",
	reasonLastDeleted: "lineage.reason.last_deleted",
}

// ReasonKey returns the message of ReasonMessages a stored lineage reason
// is, with its arguments (an entity id); ok is false for a reason it does
// not know, which a page shows as it is.
func ReasonKey(reason string) (key string, args []string, ok bool) {
	if k, ok := reasonKeys[reason]; ok {
		return k, nil, true
	}
	if id, ok := strings.CutPrefix(reason, reasonFullMoved); ok {
		return "lineage.reason.full_moved", []string{id}, true
	}
	if id, ok := strings.CutPrefix(reason, reasonFullJoined); ok {
		return "lineage.reason.full_joined", []string{id}, true
	}
	return "", nil, false
}

// ReasonMessages are the lineage reasons' texts: key -> language -> fmt
// text, in the web catalogue's format, which registers them.
var ReasonMessages = map[string]map[string]string{
	"lineage.reason.full": {
		"kk": "толық сәйкестендіру",
		"ru": "полное сопоставление",
		"en": "full resolve",
	},
	"lineage.reason.full_moved": {
		"kk": "толық сәйкестендіру жазбаны %s нысанынан ауыстырды",
		"ru": "полное сопоставление перенесло запись из объекта %s",
		"en": "full resolve moved the record from %s",
	},
	"lineage.reason.full_joined": {
		"kk": "толық сәйкестендіру оның жазбаларын %s нысанына қосты",
		"ru": "полное сопоставление присоединило его записи к объекту %s",
		"en": "full resolve joined its records to %s",
	},
	"lineage.reason.full_spread": {
		"kk": "толық сәйкестендіру оның жазбаларын басқа нысандарға бөлді",
		"ru": "полное сопоставление распределило его записи по другим объектам",
		"en": "full resolve spread its records over other entities",
	},
	"lineage.reason.deleted": {
		"kk": "жазба өз дереккөзінде жойылды",
		"ru": "запись удалена в источнике",
		"en": "the record was deleted at its source",
	},
	"lineage.reason.disagrees": {
		"kk": "жазбаның жаңа нұсқасы нысанның басқа жазбаларымен енді сәйкес келмейді",
		"ru": "новая версия записи больше не согласуется с остальными записями объекта",
		"en": "the record's new version no longer agrees with the rest of the entity",
	},
	"lineage.reason.no_match": {
		"kk": "бар нысандардың ешқайсысы сәйкес келмейді",
		"ru": "ни один существующий объект не подходит",
		"en": "no existing entity matches",
	},
	"lineage.reason.matched": {
		"kk": "нысанның жазбаларымен сәйкес келді",
		"ru": "совпала с записями объекта",
		"en": "matched the entity's records",
	},
	"lineage.reason.both": {
		"kk": "жаңа жазба екі нысанмен де сәйкес келеді",
		"ru": "новая запись совпадает с обоими объектами",
		"en": "a new record matches both entities",
	},
	"lineage.reason.last_deleted": {
		"kk": "оның соңғы жазбасы жойылды",
		"ru": "его последняя запись удалена",
		"en": "its last record was deleted",
	},
}
