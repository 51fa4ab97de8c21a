package credit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"liandong/internal/ident"
)

// FuzzParseLine feeds arbitrary lines to both line parsers and the
// validator: no input may panic, and whatever validates must be an entry
// the rules allow.
func FuzzParseLine(f *testing.F) {
	f.Add(string(benchLine))
	f.Add(`{"kind":"organisation","name":"某公司","credit_code":"91411602MA00000000","legal_rep":"李四","ground":"4","obligation":"x","performance":"y","conduct":"z","basis_unit":"u","basis_number":"n","case_number":"(2025)豫1602执1号","filed_on":"2025-01-06","decided_on":"2025年3月3日","term_years":"５","extension_reason":"multiple_conduct"}`)
	f.Add(`{"kind":"person","documents":[{"kind":"passport","number":"E12345678"}],"birth_date":"2010-01-01"}`)
	f.Add("person,王伟,男,1960-01-01,411602196001010017,passport:E12345678,,,,1,义务,未履行,情形,单位,文号,（2025）豫1602执1号,2025-01-06,applicant,2025-02-01,,2025-03-03,,,,")
	f.Add(`{"ground":1e400}`)
	f.Add(`"x"`)
	f.Add(`{"NAME":"a\u00e9\ud83d\ude00\ud800x","ground":"0２","term_years":2.0e1,"documents":[{"kind":"passport","Number":null}],"kind":null}`)
	f.Add("{\"name\":\"\xff\xfe\"}")
	now := time.Date(2025, 6, 16, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line string) {
		check := func(e NewEntry) {
			r, ps := validate(e, benchCourt, now)
			if len(ps) > 0 {
				for _, p := range ps {
					if p.Message == "" || p.Code == "" {
						t.Fatalf("problem without message or code: %+v", p)
					}
				}
				return
			}
			if r.name == "" || !r.ground.Valid() || r.keyNumber == "" || r.decidedOn == "" {
				t.Fatalf("valid row lacks a field: %+v", r)
			}
			cn, err := ident.ParseCaseNumberAt(r.caseNumber, now)
			if err != nil || cn.String() != r.caseNumber || !cn.IsEnforcement() || !sameCourt(cn.CourtCode, benchCourt.code) {
				t.Fatalf("valid row has case number %q (%v)", r.caseNumber, err)
			}
			for _, d := range r.docs {
				if res, err := ident.CheckAt(d.kind, d.number, now); err != nil || res.Normalized != d.number {
					t.Fatalf("document %s %q not normalized: %v", d.kind, d.number, err)
				}
			}
			if r.ground.HasTerm() != (r.termYears > 0) || r.termYears > TermYears+MaxExtensionYears || (r.termYears > 0) != (r.expiresAt != nil) {
				t.Fatalf("ground %d with term %d", r.ground, r.termYears)
			}
			if r.kind == Person {
				b, err := time.Parse(time.DateOnly, r.birth)
				d, _ := time.Parse(time.DateOnly, r.decidedOn)
				if err != nil || d.Before(addYears(b, AdultAge)) {
					t.Fatalf("a minor or unknown birth date passed: %q on %q", r.birth, r.decidedOn)
				}
			}
		}
		if e, ps := parseJSONLine([]byte(line)); len(ps) == 0 {
			check(e)
			// What the line decoder accepts, encoding/json (refusing
			// unknown fields) decodes to the same entry.
			dec := json.NewDecoder(strings.NewReader(line))
			dec.DisallowUnknownFields()
			var strict NewEntry
			if err := dec.Decode(&strict); err != nil {
				t.Fatalf("decodeLine accepted what encoding/json refuses (%v)", err)
			}
			if !reflect.DeepEqual(normDocs(strict), normDocs(e)) {
				t.Fatalf("decodeLine = %+v\nencoding/json = %+v", e, strict)
			}
		}
		cr := csv.NewReader(strings.NewReader(line))
		cr.FieldsPerRecord = -1
		if rec, err := cr.Read(); err == nil {
			fields := make([]string, len(csvFields))
			copy(fields, rec)
			if e, ps := entryFromFields(fields); len(ps) == 0 {
				check(e)
			}
		}
		// The chunk reader splits any bytes into lines without losing any.
		jobs := make(chan *chunk, 1<<12)
		if err := readChunks(t.Context(), bytes.NewReader([]byte(line)), JSONL, jobs); err == nil {
			close(jobs)
			for ch := range jobs {
				for _, l := range ch.lines {
					if l.no < 1 {
						t.Fatalf("line number %d", l.no)
					}
				}
			}
		}
	})
}

// normDocs treats a nil and an empty documents list alike.
func normDocs(e NewEntry) NewEntry {
	if len(e.Documents) == 0 {
		e.Documents = nil
	}
	return e
}
