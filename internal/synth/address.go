package synth

import (
	"math/rand/v2"
	"strconv"

	"github.com/ortaq/ortaq/internal/kz"
)

// street is a street name as Russian- and Kazakh-language documents write
// it: "ул. Абая" / "Абай көшесі", "пр. Республики" / "Республика даңғылы",
// "мкр. Самал-2" / "Самал-2 шағын ауданы".
type street struct{ ru, kk string }

// cityStreets are streets, avenues and microdistricts of cities and towns,
// the commonest first.
var cityStreets = []street{
	{"ул. Абая", "Абай көшесі"},
	{"пр. Республики", "Республика даңғылы"},
	{"ул. Сатпаева", "Сәтбаев көшесі"},
	{"ул. Толе би", "Төле би көшесі"},
	{"ул. Кабанбай батыра", "Қабанбай батыр көшесі"},
	{"ул. Достык", "Достық көшесі"},
	{"ул. Жамбыла", "Жамбыл көшесі"},
	{"ул. Байтурсынова", "Байтұрсынұлы көшесі"},
	{"ул. Пушкина", "Пушкин көшесі"},
	{"ул. Гагарина", "Гагарин көшесі"},
	{"ул. Ауэзова", "Әуезов көшесі"},
	{"ул. Курмангазы", "Құрманғазы көшесі"},
	{"ул. Желтоксан", "Желтоқсан көшесі"},
	{"ул. Бейбитшилик", "Бейбітшілік көшесі"},
	{"ул. Кенесары", "Кенесары көшесі"},
	{"ул. Богенбай батыра", "Бөгенбай батыр көшесі"},
	{"ул. Туркестан", "Түркістан көшесі"},
	{"ул. Мангилик Ел", "Мәңгілік Ел көшесі"},
	{"ул. Сейфуллина", "Сейфуллин көшесі"},
	{"ул. Чокана Валиханова", "Шоқан Уәлиханов көшесі"},
	{"ул. Айтеке би", "Әйтеке би көшесі"},
	{"ул. Казыбек би", "Қазыбек би көшесі"},
	{"ул. Абылай хана", "Абылай хан көшесі"},
	{"ул. Кунаева", "Қонаев көшесі"},
	{"ул. Момышулы", "Момышұлы көшесі"},
	{"ул. Жансугурова", "Жансүгіров көшесі"},
	{"ул. Есенберлина", "Есенберлин көшесі"},
	{"ул. Ломова", "Ломов көшесі"},
	{"ул. Мира", "Бейбітшілік көшесі"},
	{"ул. Советская", "Кеңес көшесі"},
	{"пр. Абая", "Абай даңғылы"},
	{"пр. Аль-Фараби", "Әл-Фараби даңғылы"},
	{"пр. Туран", "Тұран даңғылы"},
	{"пр. Независимости", "Тәуелсіздік даңғылы"},
	{"пр. Сарыарка", "Сарыарқа даңғылы"},
	{"мкр. Самал-2", "Самал-2 шағын ауданы"},
	{"мкр. Аксай-4", "Ақсай-4 шағын ауданы"},
	{"мкр. Жетысу-3", "Жетісу-3 шағын ауданы"},
	{"мкр. Нурсат", "Нұрсат шағын ауданы"},
	{"мкр. Восток-5", "Восток-5 шағын ауданы"},
	{"мкр. 12", "12 шағын ауданы"},
	{"мкр. Кулагер", "Құлагер шағын ауданы"},
}

// villageStreets are the streets of villages and of the older parts of
// small towns.
var villageStreets = []street{
	{"ул. Школьная", "Мектеп көшесі"},
	{"ул. Центральная", "Орталық көшесі"},
	{"ул. Молодёжная", "Жастар көшесі"},
	{"ул. Набережная", "Жағалау көшесі"},
	{"ул. Абая", "Абай көшесі"},
	{"ул. Степная", "Дала көшесі"},
	{"ул. Садовая", "Бақша көшесі"},
	{"ул. Новая", "Жаңа көшесі"},
	{"ул. Победы", "Жеңіс көшесі"},
	{"ул. Жамбыла", "Жамбыл көшесі"},
	{"ул. Амангельды", "Амангелді көшесі"},
	{"ул. Тауелсиздик", "Тәуелсіздік көшесі"},
	{"ул. Бирлик", "Бірлік көшесі"},
	{"ул. Луговая", "Шалғын көшесі"},
}

var (
	cityStreetPick    = zipf(len(cityStreets), 0.7)
	villageStreetPick = zipf(len(villageStreets), 0.6)
)

// address is where a household lives.
type address struct {
	region   uint8 // index into regions
	locality uint8 // index into the region's localities
	street   uint8 // index into cityStreets or villageStreets (see village)
	village  bool  // street indexes villageStreets
	house    uint16
	flat     uint16 // 0 for a private house
}

// geo is the region table with the draws that pick a place to live.
type geo struct {
	regions  []kz.Region
	pick     weighted   // region by population
	locality []weighted // per region: locality by kind
}

func newGeo() *geo {
	g := &geo{regions: kz.Regions()}
	w := make([]float64, len(g.regions))
	for i, r := range g.regions {
		w[i] = float64(r.Population)
		lw := make([]float64, len(r.Localities))
		for j, l := range r.Localities {
			switch {
			case j == 0:
				lw[j] = 50 // the administrative centre
			case l.Kind == kz.VillageLocality:
				lw[j] = 9
			default:
				lw[j] = 8
			}
		}
		g.locality = append(g.locality, newWeighted(lw))
	}
	g.pick = newWeighted(w)
	return g
}

// draw picks a home: a region by population, a locality, a street, a house
// and, in cities and some towns, a flat.
func (g *geo) draw(r *rand.Rand) address {
	a := address{region: uint8(g.pick.pick(r))}
	a.locality = uint8(g.locality[a.region].pick(r))
	switch g.kind(a) {
	case kz.CityLocality:
		a.street = uint8(cityStreetPick.pick(r))
		a.house = uint16(between(r, 1, 180))
		if chance(r, 0.75) {
			a.flat = uint16(between(r, 1, 240))
		}
	case kz.TownLocality:
		if chance(r, 0.5) {
			a.street = uint8(cityStreetPick.pick(r) % 30)
			a.house = uint16(between(r, 1, 90))
			if chance(r, 0.5) {
				a.flat = uint16(between(r, 1, 80))
			}
		} else {
			a.village = true
			a.street = uint8(villageStreetPick.pick(r))
			a.house = uint16(between(r, 1, 120))
		}
	default:
		a.village = true
		a.street = uint8(villageStreetPick.pick(r))
		a.house = uint16(between(r, 1, 90))
	}
	return a
}

func (g *geo) region(a address) *kz.Region { return &g.regions[a.region] }

func (g *geo) loc(a address) *kz.Locality { return &g.regions[a.region].Localities[a.locality] }

func (g *geo) kind(a address) kz.LocalityKind { return g.loc(a).Kind }

func (g *geo) street(a address) street {
	if a.village {
		return villageStreets[a.street]
	}
	return cityStreets[a.street]
}

// postcode is the locality's index with the last two digits varying by
// street, so every street has one stable postcode.
func (g *geo) postcode(a address) string {
	base := g.loc(a).Postcode
	n := int(base[4]-'0')*10 + int(base[5]-'0') + int(a.street)
	if a.village {
		n += 50
	}
	b := []byte(base[:4])
	return string(append2(b, n%100))
}

// appendRU writes a full Russian-style address: "Акмолинская область,
// г. Щучинск, ул. Абая, д. 12, кв. 45"; cities of republican significance
// omit the region.
func (g *geo) appendRU(b []byte, a address) []byte {
	reg, loc := g.region(a), g.loc(a)
	if !reg.City {
		b = append(b, reg.RU...)
		b = append(b, ", "...)
	}
	if loc.Kind == kz.VillageLocality {
		b = append(b, "с. "...)
	} else {
		b = append(b, "г. "...)
	}
	b = append(b, loc.RU...)
	b = append(b, ", "...)
	b = append(b, g.street(a).ru...)
	b = append(b, ", д. "...)
	b = strconv.AppendInt(b, int64(a.house), 10)
	if a.flat > 0 {
		b = append(b, ", кв. "...)
		b = strconv.AppendInt(b, int64(a.flat), 10)
	}
	return b
}

// appendKK writes a full Kazakh-style address: "Ақмола облысы, Щучинск қ.,
// Абай көшесі, 12 үй, 45 пәтер".
func (g *geo) appendKK(b []byte, a address) []byte {
	reg, loc := g.region(a), g.loc(a)
	if !reg.City {
		b = append(b, reg.KK...)
		b = append(b, ", "...)
	}
	b = append(b, loc.KK...)
	if loc.Kind == kz.VillageLocality {
		b = append(b, " а., "...)
	} else {
		b = append(b, " қ., "...)
	}
	b = append(b, g.street(a).kk...)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(a.house), 10)
	b = append(b, " үй"...)
	if a.flat > 0 {
		b = append(b, ", "...)
		b = strconv.AppendInt(b, int64(a.flat), 10)
		b = append(b, " пәтер"...)
	}
	return b
}
