package subject

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Attributes recorded in subject_attributes.
const (
	AttrName       = "name"                 // single-valued: two names are a conflict
	AttrFormerName = "former_name"          // many values
	AttrSex        = "sex"                  // single-valued: "M" or "F"
	AttrBirthDate  = "birth_date"           // single-valued: "YYYY-MM-DD"
	AttrLegalRep   = "legal_representative" // single-valued: the person subject's id
)

// singleValued lists the attributes whose second, different value is a
// conflict, in display order.
var singleValued = []string{AttrName, AttrSex, AttrBirthDate, AttrLegalRep}

// attrLabel is the Chinese name of an attribute.
func attrLabel(a string) string {
	switch a {
	case AttrName:
		return "姓名/名称"
	case AttrFormerName:
		return "曾用名"
	case AttrSex:
		return "性别"
	case AttrBirthDate:
		return "出生日期"
	case AttrLegalRep:
		return "法定代表人"
	}
	return a
}

// Sources written by the store itself.
const (
	// sourceDocument prefixes facts derived from an identity number:
	// "document:resident_id:411602********1234".
	sourceDocument = "document:"
	// sourceStated marks values a user typed: "stated:zhangfy".
	sourceStated = "stated:"
)

// Conflict is a single-valued attribute with more than one recorded value:
// each value with the records that state it (S-LOC-1: conflicting data is
// shown, not overwritten).
type Conflict struct {
	Attr   string
	Label  string // Chinese
	Values []ConflictValue
}

// ConflictValue is one of the disagreeing values and who said it when.
type ConflictValue struct {
	Value   string
	Records []Attribute
}

// Conflicts lists the single-valued attributes (name, sex, birth date,
// legal representative) that have more than one recorded value, with every
// source. A resident ID number whose birth date or sex disagrees with the
// stated ones shows up here, its value sourced "document:resident_id:…".
func (s Subject) Conflicts() []Conflict {
	var out []Conflict
	for _, a := range singleValued {
		var c Conflict
		idx := map[string]int{}
		for _, r := range s.Attributes {
			if r.Attr != a {
				continue
			}
			i, ok := idx[r.Value]
			if !ok {
				i = len(c.Values)
				idx[r.Value] = i
				c.Values = append(c.Values, ConflictValue{Value: r.Value})
			}
			c.Values[i].Records = append(c.Values[i].Records, r)
		}
		if len(c.Values) > 1 {
			c.Attr, c.Label = a, attrLabel(a)
			out = append(out, c)
		}
	}
	return out
}

// String describes the conflict in Chinese for screens and logs:
// "出生日期：1985-03-12（document:resident_id:…）／1985-03-21（stated:zhangfy）".
func (c Conflict) String() string {
	var b strings.Builder
	b.WriteString(c.Label + "：")
	for i, v := range c.Values {
		if i > 0 {
			b.WriteString("／")
		}
		srcs := make([]string, len(v.Records))
		for j, r := range v.Records {
			srcs[j] = r.Source
		}
		fmt.Fprintf(&b, "%s（%s）", v.Value, strings.Join(srcs, "，"))
	}
	return b.String()
}

// derive fills the display fields of s from its attribute history: the
// first value recorded, except that sex and birth date prefer a value read
// from an identity number over a stated one.
func (s *Subject) derive() {
	first := map[string]string{}
	fromDoc := map[string]string{}
	seenFormer := map[string]bool{}
	for _, a := range s.Attributes {
		if _, ok := first[a.Attr]; !ok {
			first[a.Attr] = a.Value
		}
		if _, ok := fromDoc[a.Attr]; !ok && strings.HasPrefix(a.Source, sourceDocument) {
			fromDoc[a.Attr] = a.Value
		}
		if a.Attr == AttrFormerName && !seenFormer[a.Value] {
			seenFormer[a.Value] = true
			s.FormerNames = append(s.FormerNames, a.Value)
		}
	}
	pick := func(a string) string {
		if v, ok := fromDoc[a]; ok {
			return v
		}
		return first[a]
	}
	s.Sex, s.BirthDate = pick(AttrSex), pick(AttrBirthDate)
	if v := first[AttrLegalRep]; v != "" {
		s.LegalRepresentative, _ = strconv.ParseInt(v, 10, 64)
	}
}

// addAttribute records a value unless the same value from the same source
// is already there (adding the same facts again must not grow the history).
func (s *Store) addAttribute(ctx context.Context, tx *sql.Tx, subjectID int64, a Attribute) error {
	if strings.TrimSpace(a.Value) == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subject_attributes
		WHERE subject_id = $1 AND attr = $2 AND value = $3 AND source = $4`,
		subjectID, a.Attr, a.Value, a.Source).Scan(&n); err != nil {
		return fmt.Errorf("read attribute %s: %w", a.Attr, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO subject_attributes (subject_id, attr, value, source, recorded_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, subjectID, a.Attr, a.Value, a.Source, a.RecordedAt, a.RecordedBy); err != nil {
		return fmt.Errorf("record attribute %s: %w", a.Attr, err)
	}
	return nil
}

// loadAttributes reads a subject's attribute history, oldest first.
func loadAttributes(ctx context.Context, q querier, subjectID int64) ([]Attribute, error) {
	rows, err := q.QueryContext(ctx, `SELECT attr, value, source, recorded_at, recorded_by
		FROM subject_attributes WHERE subject_id = $1 ORDER BY id`, subjectID)
	if err != nil {
		return nil, fmt.Errorf("read attributes of subject %d: %w", subjectID, err)
	}
	defer rows.Close()
	var out []Attribute
	for rows.Next() {
		var a Attribute
		if err := rows.Scan(&a.Attr, &a.Value, &a.Source, &a.RecordedAt, &a.RecordedBy); err != nil {
			return nil, fmt.Errorf("read attributes of subject %d: %w", subjectID, err)
		}
		a.RecordedAt = a.RecordedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
