package matter

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"liandong/internal/apperr"
)

// Field metadata: each kind's creation payload (Kind.CreateFields) and each
// transition's payload (Transition.Fields) are described as form fields, so
// that the web layer renders forms and API documentation generically and
// reads a submitted form into the payload the transition's Validate
// expects (PayloadFromForm). Nested or list payloads have a FromForm that
// builds them from flat form fields.

// FieldType says how a form shows a field and how its value is read.
type FieldType string

// Field types.
const (
	FieldText     FieldType = "text"
	FieldTextarea FieldType = "textarea"
	FieldDate     FieldType = "date"     // YYYY-MM-DD
	FieldDateTime FieldType = "datetime" // YYYY-MM-DDTHH:MM in China time (HTML datetime-local), sent in the payload as RFC 3339 with +08:00
	FieldNumber   FieldType = "number"   // integer
	FieldBool     FieldType = "bool"     // checkbox
	FieldSelect   FieldType = "select"   // one of Options
	FieldUnit     FieldType = "unit"     // a unit code (the form offers the directory's units of UnitTypes)
	FieldDocument FieldType = "document" // an uploaded file: the form has a file input; the web layer stores it (internal/docs Put) and puts its SM3 digest in the payload under Name AND in the event's documents list
	FieldLines    FieldType = "lines"    // one entry per line (textarea); parsed by the transition's FromForm
)

// Option is one choice of a FieldSelect.
type Option struct{ Value, Label string }

// Field is one form field of a payload.
type Field struct {
	Name      string // the payload key (dotted for nested objects is NOT supported: use FromForm for nesting)
	Label     string // Chinese
	Type      FieldType
	Required  bool
	Options   []Option // FieldSelect
	UnitTypes []string // FieldUnit: directory unit types offered (e.g. "detention_center")
	Hint      string   // Chinese help under the field
}

// CodeFieldRequired is the error code of a required form field left empty.
const CodeFieldRequired = "matter.field_required"

// PayloadFromForm reads a submitted form into a payload. Every field is
// checked first (required fields present, numbers, dates and times well
// formed, select values among the options); then custom, when not nil,
// builds the payload (nested objects, lists), else the default flat
// mapping does: text, textarea, select, unit and document → string; number
// → integer; bool → true when "true" or "on", else false; date →
// "YYYY-MM-DD"; datetime (China time) → RFC 3339 with +08:00; lines → a
// list of the non-empty lines. Empty optional fields are left out.
func PayloadFromForm(fields []Field, values url.Values, custom func(url.Values) (json.RawMessage, error)) (json.RawMessage, error) {
	m, err := formMap(fields, values)
	if err != nil {
		return nil, err
	}
	if custom != nil {
		return custom(values)
	}
	return json.Marshal(m)
}

// PayloadFromForm reads the form of action (ActionCreate for the creation)
// with the kind's fields and FromForm.
func (k *Kind) PayloadFromForm(action string, values url.Values) (json.RawMessage, error) {
	if action == ActionCreate {
		return PayloadFromForm(k.CreateFields, values, k.CreateFromForm)
	}
	for _, t := range k.Transitions {
		if t.Action == action {
			return PayloadFromForm(t.Fields, values, t.FromForm)
		}
	}
	return nil, apperr.Invalidf("action", CodeActionUnknown, "“%s”事项没有“%s”操作", k.Label, action)
}

// Fields returns the form fields of action (ActionCreate for the creation).
func (k *Kind) Fields(action string) []Field {
	if action == ActionCreate {
		return k.CreateFields
	}
	for _, t := range k.Transitions {
		if t.Action == action {
			return t.Fields
		}
	}
	return nil
}

// formMap is the default mapping of fields; see PayloadFromForm.
func formMap(fields []Field, values url.Values) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range fields {
		v := strings.TrimSpace(values.Get(f.Name))
		if f.Type == FieldBool {
			on := v == "true" || v == "on"
			if f.Required && !on {
				return nil, errRequired(f)
			}
			out[f.Name] = on
			continue
		}
		if f.Type == FieldLines {
			lines := formLines(values.Get(f.Name))
			if f.Required && len(lines) == 0 {
				return nil, errRequired(f)
			}
			out[f.Name] = lines
			continue
		}
		if v == "" {
			if f.Required {
				return nil, errRequired(f)
			}
			continue
		}
		switch f.Type {
		case FieldNumber:
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, apperr.Invalidf(f.Name, CodePayload, "“%s”应为整数", f.Label)
			}
			out[f.Name] = n
		case FieldDate:
			if _, err := time.ParseInLocation(time.DateOnly, v, china); err != nil {
				return nil, apperr.Invalidf(f.Name, CodePayload, "“%s”应为日期，如 2025-03-03", f.Label)
			}
			out[f.Name] = v
		case FieldDateTime:
			t, err := formDateTime(v)
			if err != nil {
				return nil, apperr.Invalidf(f.Name, CodePayload, "“%s”应为日期和时间，如 2025-03-03T14:30", f.Label)
			}
			out[f.Name] = t.In(china).Format(time.RFC3339)
		case FieldSelect:
			if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == v }) {
				return nil, apperr.Invalidf(f.Name, CodePayload, "“%s”不能为“%s”，请从列表中选择", f.Label, v)
			}
			out[f.Name] = v
		default: // text, textarea, unit, document
			out[f.Name] = v
		}
	}
	return out, nil
}

func errRequired(f Field) error {
	return apperr.Invalidf(f.Name, CodeFieldRequired, "请填写“%s”", f.Label)
}

// formDateTime reads an HTML datetime-local value in China time (with or
// without seconds), or RFC 3339 as an API client may send it.
func formDateTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, china); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, s)
}

// formLines splits a textarea into its non-empty trimmed lines.
func formLines(s string) []string {
	lines := []string{}
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// choiceOptions turns a Validate's choices into select options.
func choiceOptions(cs []choice) []Option {
	out := make([]Option, len(cs))
	for i, c := range cs {
		out[i] = Option{c.Code, c.Label}
	}
	return out
}

// Fields shared by several kinds.
var (
	noteField = Field{Name: "note", Label: "备注", Type: FieldTextarea}
	noteForm  = []Field{noteField}
)

// reasonForm is a single required reason (撤回、撤销理由).
func reasonForm(name, label string) []Field {
	return []Field{{Name: name, Label: label, Type: FieldTextarea, Required: true}}
}

// The president's approval (needApproval).
var (
	approvedByField = Field{Name: "approved_by", Label: "批准人（院长）", Type: FieldText, Required: true, Hint: "批准的院长在本系统的用户名"}
	approvedAtField = Field{Name: "approved_at", Label: "批准时间", Type: FieldDateTime, Required: true}
)

// marshalObject is json.Marshal of a payload map.
func marshalObject(m map[string]any) (json.RawMessage, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return b, nil
}

// checkFields reports a field without a name or label, of an unknown type,
// a select without options, a unit without unit types, or a name used
// twice.
func checkFields(fields []Field) error {
	seen := map[string]bool{}
	for _, f := range fields {
		switch {
		case f.Name == "" || f.Label == "":
			return fmt.Errorf("field %q needs a name and a label", f.Name)
		case seen[f.Name]:
			return fmt.Errorf("field %s declared twice", f.Name)
		case !slices.Contains(fieldTypes, f.Type):
			return fmt.Errorf("field %s: unknown type %q", f.Name, f.Type)
		case f.Type == FieldSelect && len(f.Options) == 0:
			return fmt.Errorf("field %s: a select needs options", f.Name)
		case f.Type == FieldUnit && len(f.UnitTypes) == 0:
			return fmt.Errorf("field %s: a unit field needs unit types", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

var fieldTypes = []FieldType{FieldText, FieldTextarea, FieldDate, FieldDateTime, FieldNumber, FieldBool, FieldSelect, FieldUnit, FieldDocument, FieldLines}
