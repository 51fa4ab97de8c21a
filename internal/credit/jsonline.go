package credit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeLine decodes one JSON Lines object into a NewEntry without
// reflection: an import line is a flat object of strings and numbers (and
// the documents array), and encoding/json spent half of a line's CPU on
// it. It is stricter than encoding/json, never looser: keys must match a
// field exactly or in ASCII case only, unknown keys and wrong types are
// errors. FuzzParseLine checks that whatever it accepts encoding/json
// decodes to the same entry.
func decodeLine(b []byte) (NewEntry, error) {
	d := lineDecoder{b: b}
	var e NewEntry
	d.space()
	if !d.eat('{') {
		return e, errors.New("每行应是一个 JSON 对象（以 { 开头）")
	}
	d.space()
	if !d.eat('}') {
		for {
			d.space()
			key, err := d.str()
			if err != nil {
				return e, err
			}
			d.space()
			if !d.eat(':') {
				return e, d.fail("缺少冒号")
			}
			d.space()
			if err := d.field(&e, key); err != nil {
				return e, err
			}
			d.space()
			if d.eat(',') {
				continue
			}
			if d.eat('}') {
				break
			}
			return e, d.fail("缺少逗号或 }")
		}
	}
	d.space()
	if d.i != len(d.b) {
		return e, errors.New("一行只能有一个 JSON 对象")
	}
	return e, nil
}

type lineDecoder struct {
	b []byte
	i int
}

func (d *lineDecoder) fail(what string) error {
	return fmt.Errorf("不是有效的 JSON（第 %d 个字节附近：%s）", d.i+1, what)
}

func (d *lineDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

func (d *lineDecoder) eat(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// field decodes the value of key into e.
func (d *lineDecoder) field(e *NewEntry, key string) error {
	var dst *string
	switch foldKey(key) {
	case "kind":
		dst = &e.Kind
	case "name":
		dst = &e.Name
	case "sex":
		dst = &e.Sex
	case "birth_date":
		dst = &e.BirthDate
	case "id_number":
		dst = &e.IDNumber
	case "credit_code":
		dst = &e.CreditCode
	case "legal_rep":
		dst = &e.LegalRep
	case "legal_rep_id":
		dst = &e.LegalRepID
	case "obligation":
		dst = &e.Obligation
	case "performance":
		dst = &e.Performance
	case "conduct":
		dst = &e.Conduct
	case "basis_unit":
		dst = &e.BasisUnit
	case "basis_number":
		dst = &e.BasisNumber
	case "case_number":
		dst = &e.CaseNumber
	case "filed_on":
		dst = &e.FiledOn
	case "initiation":
		dst = &e.Initiation
	case "applied_on":
		dst = &e.AppliedOn
	case "decision_number":
		dst = &e.DecisionNumber
	case "decided_on":
		dst = &e.DecidedOn
	case "decision_sm3":
		dst = &e.DecisionSM3
	case "extension_reason":
		dst = &e.ExtensionReason
	case "published_at":
		dst = &e.PublishedAt
	case "ground":
		return d.flex(&e.Ground, key)
	case "term_years":
		return d.flex(&e.TermYears, key)
	case "documents":
		return d.documents(e)
	default:
		return fmt.Errorf("未知字段“%s”（字段名见 docs/credit.md）", clip(key))
	}
	if d.null() {
		return nil
	}
	s, err := d.value(key)
	if err != nil {
		return err
	}
	*dst = s
	return nil
}

// foldKey matches keys as encoding/json does for ASCII: exactly, or
// ignoring case. A non-ASCII key is returned as it is (and is unknown).
func foldKey(k string) string {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= utf8.RuneSelf {
			return k
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(k)
		}
	}
	return k
}

func (d *lineDecoder) null() bool {
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// value reads a string value of key.
func (d *lineDecoder) value(key string) (string, error) {
	if d.i < len(d.b) && d.b[d.i] == '"' {
		return d.str()
	}
	return "", fmt.Errorf("字段“%s”的类型不对：应为字符串", key)
}

// flex reads a number or a string into f (null leaves it unset).
func (d *lineDecoder) flex(f *FlexInt, key string) error {
	if d.null() {
		*f = FlexInt{}
		return nil
	}
	if d.i < len(d.b) && d.b[d.i] == '"' {
		s, err := d.str()
		if err != nil {
			return err
		}
		*f = parseFlexInt(s)
		return nil
	}
	start := d.i
	if !d.number() {
		return fmt.Errorf("字段“%s”的类型不对：应为数字", key)
	}
	*f = parseFlexInt(string(d.b[start:d.i]))
	return nil
}

// number scans a JSON number.
func (d *lineDecoder) number() bool {
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	d.eat('-')
	if d.eat('0') {
		// no more integer digits after a leading zero
	} else if digits() == 0 {
		return false
	}
	if d.eat('.') && digits() == 0 {
		return false
	}
	if d.eat('e') || d.eat('E') {
		if !d.eat('+') {
			d.eat('-')
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// documents reads the documents array.
func (d *lineDecoder) documents(e *NewEntry) error {
	if d.null() {
		e.Documents = nil
		return nil
	}
	if !d.eat('[') {
		return errors.New("字段“documents”的类型不对：应为数组")
	}
	e.Documents = e.Documents[:0]
	d.space()
	if d.eat(']') {
		return nil
	}
	for {
		d.space()
		if !d.eat('{') {
			return errors.New("字段“documents”的类型不对：数组的元素应为对象")
		}
		var doc NewDocument
		d.space()
		if !d.eat('}') {
			for {
				d.space()
				key, err := d.str()
				if err != nil {
					return err
				}
				d.space()
				if !d.eat(':') {
					return d.fail("缺少冒号")
				}
				d.space()
				var dst *string
				switch foldKey(key) {
				case "kind":
					dst = &doc.Kind
				case "number":
					dst = &doc.Number
				default:
					return fmt.Errorf("未知字段“documents.%s”（应为 kind 和 number）", clip(key))
				}
				if !d.null() {
					s, err := d.value("documents." + key)
					if err != nil {
						return err
					}
					*dst = s
				}
				d.space()
				if d.eat(',') {
					continue
				}
				if d.eat('}') {
					break
				}
				return d.fail("缺少逗号或 }")
			}
		}
		e.Documents = append(e.Documents, doc)
		d.space()
		if d.eat(',') {
			continue
		}
		if d.eat(']') {
			return nil
		}
		return d.fail("缺少逗号或 ]")
	}
}

// str reads a JSON string at d.i. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does.
func (d *lineDecoder) str() (string, error) {
	if !d.eat('"') {
		return "", d.fail("应为字符串")
	}
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			return validString(s), nil
		case c == '\\':
			return d.slowStr(start)
		case c < 0x20:
			return "", d.fail("字符串中有控制字符")
		}
		d.i++
	}
	return "", d.fail("字符串没有结束")
}

// slowStr finishes a string with escapes.
func (d *lineDecoder) slowStr(start int) (string, error) {
	buf := make([]byte, 0, d.i-start+16)
	buf = append(buf, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return validString(buf), nil
		case c < 0x20:
			return "", d.fail("字符串中有控制字符")
		case c != '\\':
			buf = append(buf, c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(d.b) {
			break
		}
		esc := d.b[d.i]
		d.i++
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail("\\u 后应为 4 位十六进制数字")
			}
			if utf16.IsSurrogate(r) {
				save := d.i
				if d.eat('\\') && d.eat('u') {
					if r2, ok := d.hex4(); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							continue
						}
					}
				}
				d.i = save
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.fail("无效的转义字符")
		}
	}
	return "", d.fail("字符串没有结束")
}

// validString replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does.
func validString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r)
		b = b[n:]
	}
	return string(out)
}

func (d *lineDecoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(v), true
}
