package synth

// populationExtract is the state database of individuals: every living
// person exactly once, clean, keyed by IIN, with their family (ID_SEMYA)
// and their tie to its head (ROL_V_SEMYE). It is the reference register the
// other sources are checked against.
var populationExtract = extract{
	spec: sourceSpec{
		name: "population_register", trust: "90", agency: "moj", entity: "person",
		title:      "State database of individuals (ГБД ФЛ)",
		file:       "population/register.csv",
		format:     "csv",
		delimiter:  ";",
		encoding:   "utf-8",
		id:         "IIN",
		dateFormat: layoutDMY.String(),
		header: []string{"IIN", "FAMILIYA", "IMYA", "OTCHESTVO", "DATA_ROZHD", "POL", "NATSIONALNOST",
			"ID_SEMYA", "ROL_V_SEMYE", "OBLAST", "NAS_PUNKT", "ULITSA", "DOM", "KV", "INDEKS", "TELEFON"},
		fields: []fieldSpec{
			col("national_id", "IIN"),
			col("last_name", "FAMILIYA"),
			col("first_name", "IMYA"),
			col("middle_name", "OTCHESTVO"),
			col("birth_date", "DATA_ROZHD"),
			{attr: "sex", columns: []string{"POL"}, values: [][2]string{{"1", "M"}, {"2", "F"}}},
			col("nationality", "NATSIONALNOST"),
			col("household_id", "ID_SEMYA"),
			{attr: "household_role", columns: []string{"ROL_V_SEMYE"},
				values:  [][2]string{{"глава", "head"}, {"супруг(а)", "spouse"}, {"ребенок", "child"}, {"родитель", "parent"}},
				allowed: []string{"head", "spouse", "child", "parent"}},
			col("region", "OBLAST"),
			col("locality", "NAS_PUNKT"),
			col("address", "ULITSA", "DOM", "KV"),
			col("postcode", "INDEKS"),
			col("phone", "TELEFON"),
		},
	},
	write: writePopulation,
}

// householdRoleRU is how the register writes each role: the member's tie
// to the head of the family.
var householdRoleRU = [...]string{roleHead: "глава", roleSpouse: "супруг(а)", roleChild: "ребенок", roleParent: "родитель"}

func writePopulation(x *run) error {
	w := x.w
	t := newTable(x.out.w, ';', x.spec.header...)
	var buf []byte
	for hi := range w.hhs {
		h := &w.hhs[hi]
		a := h.addr
		reg, loc, st := w.geo.region(a), w.geo.loc(a), w.geo.street(a)
		post := w.geo.postcode(a)
		head := w.headOf(h)
		for i := range w.members(h) {
			p := &w.people[int(h.first)+i]
			if !p.alive() {
				continue
			}
			t.plain(p.iin)
			t.str(p.last)
			t.str(p.first)
			t.str(p.middle)
			t.date(p.birth, layoutDMY)
			if p.sex == 'M' {
				t.str("1")
			} else {
				t.str("2")
			}
			t.str(p.eth.nationality(p.sex))
			buf = appendHouseholdID(buf[:0], hi)
			t.bytes(buf)
			t.str(householdRoleRU[w.householdRole(h, i, head)])
			t.str(reg.RU)
			t.str(loc.RU)
			t.str(st.ru)
			t.int(int64(a.house))
			if a.flat > 0 {
				t.int(int64(a.flat))
			} else {
				t.empty()
			}
			t.str(post)
			buf = appendPhone(buf[:0], p.phone, phonePlain)
			t.bytes(buf)
			t.end()
			x.truth.person(p.iin, p.iin)
		}
	}
	x.rows = t.rows
	return nil
}
