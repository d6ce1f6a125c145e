package benefits

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// MaxSituationBytes bounds one situation (one NDJSON line, or a whole
// single-object body).
const MaxSituationBytes = 1 << 20

// SituationError is a situation that could not be read: it names the
// situation by id (or by line when it has none) and the JSON field path.
type SituationError struct {
	ID   string // the situation's id, when it could be read
	Line int    // 1-based line of the situation in its input
	Path string // "persons[2].birth_date"; empty for the whole situation
	Msg  string
}

func (e *SituationError) Error() string {
	who := e.ID
	if who == "" {
		who = "line " + strconv.Itoa(e.Line)
	}
	if e.Path == "" {
		return who + ": " + e.Msg
	}
	return who + ": " + e.Path + ": " + e.Msg
}

// ReadSituations reads one JSON object, or NDJSON (one object per line,
// blank lines skipped), and calls fn for each situation in order. A
// situation that cannot be read reaches fn as a *SituationError with a
// zero Situation (ID set when known), and reading goes on; ReadSituations
// stops only when fn returns an error or reading r fails.
//
// Unknown fields are refused: a misspelt field ("birthdate") would
// otherwise be silently ignored and change an amount.
func ReadSituations(r io.Reader, fn func(Situation, error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := readLine(br)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	eof := errors.Is(err, io.EOF)
	trimmed := bytes.TrimSpace(first)
	if len(trimmed) > 0 && !json.Valid(trimmed) && !eof {
		// Not NDJSON: one object spread over lines.
		rest, err := io.ReadAll(io.LimitReader(br, MaxSituationBytes+1))
		if err != nil {
			return err
		}
		all := append(first, rest...)
		if len(all) > MaxSituationBytes {
			return fn(Situation{}, &SituationError{Line: 1, Msg: "situation too large"})
		}
		s, err := ParseSituation(all)
		if se := (*SituationError)(nil); errors.As(err, &se) {
			se.Line = 1
		}
		return fn(s, err)
	}
	line := 1
	for {
		if len(bytes.TrimSpace(first)) > 0 {
			s, perr := ParseSituation(first)
			if se := (*SituationError)(nil); errors.As(perr, &se) {
				se.Line = line
			}
			if len(first) > MaxSituationBytes {
				s, perr = Situation{}, &SituationError{Line: line, Msg: "situation too large"}
			}
			if err := fn(s, perr); err != nil {
				return err
			}
		}
		if eof {
			return nil
		}
		line++
		first, err = readLine(br)
		if errors.Is(err, io.EOF) {
			eof = true
		} else if err != nil {
			return err
		}
	}
}

// readLine reads one line without its newline; a line longer than
// MaxSituationBytes is consumed and returned truncated past the limit so
// the caller can refuse it.
func readLine(br *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(out) <= MaxSituationBytes {
			out = append(out, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			out = out[:len(out)-1]
		}
		return out, err
	}
}

// ParseSituation reads one situation from JSON. Errors are
// *SituationError naming the id and the field path.
func ParseSituation(b []byte) (Situation, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return Situation{}, &SituationError{Msg: "not JSON: " + terse(err)}
	}
	if dec.More() {
		return Situation{}, &SituationError{Msg: "more than one JSON value"}
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return Situation{}, &SituationError{Msg: "not a JSON object"}
	}
	p := parser{}
	if id, ok := obj["id"].(string); ok {
		p.id = id
	}
	s := p.situation(obj)
	if p.err != nil {
		return Situation{ID: p.id}, p.err
	}
	return s, nil
}

func terse(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	return err.Error()
}

// parser walks decoded JSON, keeping the first error with its path.
type parser struct {
	id  string
	err *SituationError
}

func (p *parser) fail(path, format string, args ...any) {
	if p.err == nil {
		p.err = &SituationError{ID: p.id, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
}

func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case json.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a value"
}

func (p *parser) fields(path string, obj map[string]any, known ...string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			p.fail(join(path, k), "unknown field")
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (p *parser) str(path string, v any, required bool) string {
	switch v := v.(type) {
	case string:
		if required && v == "" {
			p.fail(path, "empty")
		}
		return v
	case nil:
		if required {
			p.fail(path, "missing")
		}
		return ""
	}
	p.fail(path, "not a string: %s", describe(v))
	return ""
}

func (p *parser) boolean(path string, v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case nil:
		return false
	}
	p.fail(path, "not true or false: %s", describe(v))
	return false
}

func (p *parser) date(path string, v any) Date {
	s, ok := v.(string)
	if !ok {
		if v == nil {
			p.fail(path, "missing")
		} else {
			p.fail(path, "not a date %s", describe(v))
		}
		return 0
	}
	d, err := ParseDate(s)
	if err != nil {
		p.fail(path, "not a date %q", s)
	}
	return d
}

func (p *parser) money(path string, v any) Money {
	n, ok := v.(json.Number)
	if !ok {
		if v != nil {
			p.fail(path, "not an amount: %s", describe(v))
		}
		return Money{}
	}
	m, err := ParseMoney(string(n))
	if err != nil {
		p.fail(path, "not a plain decimal amount: %s", n)
		return Money{}
	}
	if m.Sign() < 0 {
		p.fail(path, "negative amount: %s", n)
	}
	return m
}

func (p *parser) situation(obj map[string]any) Situation {
	p.fields("", obj, "id", "date", "household", "persons", "sources", "conflicts")
	s := Situation{ID: p.str("id", obj["id"], false), Date: p.date("date", obj["date"])}
	switch h := obj["household"].(type) {
	case map[string]any:
		p.fields("household", h, "region")
		s.Household.Region = p.str("household.region", h["region"], false)
	case nil:
	default:
		p.fail("household", "not an object: %s", describe(h))
	}
	ps, ok := obj["persons"].([]any)
	if !ok {
		if obj["persons"] == nil {
			p.fail("persons", "missing")
		} else {
			p.fail("persons", "not an array: %s", describe(obj["persons"]))
		}
	}
	seen := map[string]bool{}
	for i, v := range ps {
		path := fmt.Sprintf("persons[%d]", i)
		po, ok := v.(map[string]any)
		if !ok {
			p.fail(path, "not an object: %s", describe(v))
			continue
		}
		per := p.person(path, po)
		if seen[per.ID] {
			p.fail(path+".id", "duplicate id %q", per.ID)
		}
		seen[per.ID] = true
		s.Persons = append(s.Persons, per)
	}
	switch src := obj["sources"].(type) {
	case map[string]any:
		s.Sources = make(map[string]Source, len(src))
		for k, v := range src {
			path := "sources." + k
			o, ok := v.(map[string]any)
			if !ok {
				p.fail(path, "not an object: %s", describe(v))
				continue
			}
			s.Sources[k] = p.source(path, o)
		}
	case nil:
	default:
		p.fail("sources", "not an object: %s", describe(src))
	}
	s.Conflicts = p.conflicts(obj["conflicts"])
	return s
}

func (p *parser) source(path string, o map[string]any) Source {
	p.fields(path, o, "agency", "source", "record", "as_of")
	return Source{
		Agency: p.str(path+".agency", o["agency"], true),
		Source: p.str(path+".source", o["source"], false),
		Record: p.str(path+".record", o["record"], false),
		AsOf:   p.str(path+".as_of", o["as_of"], false),
	}
}

// conflicts reads the optional list of facts sources disagree on.
func (p *parser) conflicts(v any) []Conflict {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		p.fail("conflicts", "not an array: %s", describe(v))
		return nil
	}
	out := make([]Conflict, 0, len(list))
	for i, c := range list {
		path := fmt.Sprintf("conflicts[%d]", i)
		o, ok := c.(map[string]any)
		if !ok {
			p.fail(path, "not an object: %s", describe(c))
			continue
		}
		p.fields(path, o, "person", "field", "values", "used", "rule")
		cf := Conflict{Person: p.str(path+".person", o["person"], true), Field: p.str(path+".field", o["field"], true),
			Used: p.str(path+".used", o["used"], false), Rule: p.str(path+".rule", o["rule"], false)}
		vals, _ := o["values"].([]any)
		for j, vv := range vals {
			vpath := fmt.Sprintf("%s.values[%d]", path, j)
			vo, ok := vv.(map[string]any)
			if !ok {
				p.fail(vpath, "not an object: %s", describe(vv))
				continue
			}
			p.fields(vpath, vo, "value", "sources")
			cv := ConflictValue{Value: p.str(vpath+".value", vo["value"], false)}
			srcs, _ := vo["sources"].([]any)
			for k, sv := range srcs {
				so, ok := sv.(map[string]any)
				if !ok {
					p.fail(fmt.Sprintf("%s.sources[%d]", vpath, k), "not an object: %s", describe(sv))
					continue
				}
				cv.Sources = append(cv.Sources, p.source(fmt.Sprintf("%s.sources[%d]", vpath, k), so))
			}
			cf.Values = append(cf.Values, cv)
		}
		out = append(out, cf)
	}
	return out
}

func (p *parser) person(path string, o map[string]any) Person {
	p.fields(path, o, "id", "role", "birth_date", "carer", "insured", "student", "avg_income_24m", "income", "disability")
	per := Person{
		ID:           p.str(path+".id", o["id"], true),
		Role:         p.str(path+".role", o["role"], true),
		BirthDate:    p.date(path+".birth_date", o["birth_date"]),
		Carer:        p.boolean(path+".carer", o["carer"]),
		Insured:      p.boolean(path+".insured", o["insured"]),
		Student:      p.boolean(path+".student", o["student"]),
		AvgIncome24m: p.money(path+".avg_income_24m", o["avg_income_24m"]),
	}
	switch per.Role {
	case RoleParent, RoleChild, RoleOther, "":
	default:
		p.fail(path+".role", "not parent, child or other: %q", per.Role)
	}
	switch inc := o["income"].(type) {
	case map[string]any:
		per.Income = make(map[Month]Money, len(inc))
		for k, v := range inc {
			m, err := ParseMonth(k)
			if err != nil {
				p.fail(path+".income", "not a month %q", k)
				continue
			}
			per.Income[m] = p.money(path+".income."+k, v)
		}
	case nil:
	default:
		p.fail(path+".income", "not an object: %s", describe(inc))
	}
	switch d := o["disability"].(type) {
	case map[string]any:
		dp := path + ".disability"
		p.fields(dp, d, "group", "cause")
		dis := &Disability{Cause: p.str(dp+".cause", d["cause"], false)}
		switch g := d["group"].(type) {
		case nil:
		case json.Number:
			switch g {
			case "1", "2", "3":
				dis.Group = int(g[0] - '0')
			default:
				p.fail(dp+".group", "not 1, 2, 3 or null: %s", g)
			}
		default:
			p.fail(dp+".group", "not 1, 2, 3 or null: %s", describe(g))
		}
		if dis.Cause != "" && dis.Cause != "general" && dis.Cause != "childhood" {
			p.fail(dp+".cause", "not general or childhood: %q", dis.Cause)
		}
		per.Disability = dis
	case nil:
	default:
		p.fail(path+".disability", "not an object: %s", describe(d))
	}
	return per
}
