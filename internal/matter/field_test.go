package matter_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"liandong/internal/apperr"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// formOverrides are form values a generic value per type would not make
// valid, by kind/action/field.
var formOverrides = map[string]string{
	"exitban/create/person_id_number": "411602199001011232",
	"exitban/create/person_role":      "legal_representative",
	"exitban/create/travel_documents": "护照 E12345678\n\nhk_mo_pass c12345678\n往来台湾通行证 T12345678",
	"dispatch/create/lat":             "33.6257",
	"dispatch/create/lng":             "114.6495",
	// intake at 2025-03-03 14:30 for 5 days ends with 2025-03-08 (拘留所条例 art. 32)
	"detention/intake/release_due": "2025-03-08",
}

// genericValue is a sensible form value for a field of type ft.
func genericValue(f matter.Field) string {
	switch f.Type {
	case matter.FieldText:
		return "测试内容"
	case matter.FieldTextarea:
		return "测试说明"
	case matter.FieldDate:
		return "2025-03-03"
	case matter.FieldDateTime:
		return "2025-03-03T14:30"
	case matter.FieldNumber:
		return "5"
	case matter.FieldBool:
		return "on"
	case matter.FieldSelect:
		return f.Options[0].Value
	case matter.FieldUnit:
		return "fy411628"
	case matter.FieldDocument:
		return digestA
	case matter.FieldLines:
		return ""
	}
	panic("unknown field type " + string(f.Type))
}

// form is one form of a kind: its fields, FromForm and the Validate the
// payload must pass.
type form struct {
	key      string // kind/action
	fields   []matter.Field
	fromForm func(url.Values) (json.RawMessage, error)
	validate func(json.RawMessage) error
}

func forms() []form {
	var out []form
	for _, k := range matter.Kinds() {
		for _, t := range k.Transitions {
			f := form{key: k.Name + "/" + t.Action, fields: t.Fields, fromForm: t.FromForm, validate: t.Validate}
			if t.Action == matter.ActionCreate {
				f.fields, f.fromForm = k.CreateFields, k.CreateFromForm
			}
			out = append(out, f)
		}
	}
	return out
}

func (f form) values() url.Values {
	v := url.Values{}
	for _, fl := range f.fields {
		if o, ok := formOverrides[f.key+"/"+fl.Name]; ok {
			v.Set(fl.Name, o)
		} else {
			v.Set(fl.Name, genericValue(fl))
		}
	}
	return v
}

// TestFormsPassValidate: a form filled from the metadata with sensible
// values gives a payload the transition's Validate accepts, for the
// creation and every transition of every kind; leaving out any required
// field gives matter.field_required naming it.
func TestFormsPassValidate(t *testing.T) {
	used := map[string]bool{}
	for _, f := range forms() {
		for _, fl := range f.fields {
			if _, ok := formOverrides[f.key+"/"+fl.Name]; ok {
				used[f.key+"/"+fl.Name] = true
			}
		}
		p, err := matter.PayloadFromForm(f.fields, f.values(), f.fromForm)
		if err != nil {
			t.Errorf("%s: form: %v", f.key, err)
			continue
		}
		if f.validate != nil {
			if err := f.validate(p); err != nil {
				t.Errorf("%s: payload %s: %v", f.key, p, err)
			}
		}
		for _, fl := range f.fields {
			if !fl.Required {
				continue
			}
			v := f.values()
			v.Del(fl.Name)
			_, err := matter.PayloadFromForm(f.fields, v, f.fromForm)
			e, ok := apperr.As(err)
			if !ok || e.Code != matter.CodeFieldRequired || e.Field != fl.Name || e.Message != "请填写“"+fl.Label+"”" {
				t.Errorf("%s without %s: %v, want %s naming it", f.key, fl.Name, err, matter.CodeFieldRequired)
			}
		}
	}
	for key := range formOverrides {
		if !used[key] {
			t.Errorf("override %s matches no field", key)
		}
	}
}

// TestFieldMetadata: every field has a Chinese label, every select its
// options, every unit field its unit types; kinds name the unit types they
// are addressed to (police units), except handover.
func TestFieldMetadata(t *testing.T) {
	for _, f := range forms() {
		for _, fl := range f.fields {
			if !strings.ContainsFunc(fl.Label, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("%s: field %s: label %q is not Chinese", f.key, fl.Name, fl.Label)
			}
			if fl.Type == matter.FieldSelect && len(fl.Options) == 0 {
				t.Errorf("%s: select %s has no options", f.key, fl.Name)
			}
			for _, o := range fl.Options {
				if o.Value == "" || !strings.ContainsFunc(o.Label, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
					t.Errorf("%s: select %s: option %+v needs a value and a Chinese label", f.key, fl.Name, o)
				}
			}
			if fl.Type == matter.FieldUnit && len(fl.UnitTypes) == 0 {
				t.Errorf("%s: unit field %s has no unit types", f.key, fl.Name)
			}
		}
	}
	opened := map[string]bool{} // kinds only another kind's act opens
	for _, k := range matter.Kinds() {
		for _, tr := range k.Transitions {
			if tr.Opens != "" {
				opened[tr.Opens] = true
			}
		}
	}
	for _, k := range matter.Kinds() {
		if opened[k.Name] {
			if k.AddressedTypes != nil {
				t.Errorf("%s is never created directly; AddressedTypes = %v", k.Name, k.AddressedTypes)
			}
			continue
		}
		if len(k.AddressedTypes) == 0 {
			t.Errorf("kind %s: no AddressedTypes", k.Name)
		}
		for _, ut := range k.AddressedTypes {
			if directory.UnitType(ut).Side() != "police" {
				t.Errorf("kind %s: addressed type %q is not a police unit type", k.Name, ut)
			}
		}
	}
}

func TestPayloadFromFormMapping(t *testing.T) {
	fields := []matter.Field{
		{Name: "s", Label: "文字", Type: matter.FieldText},
		{Name: "n", Label: "期限", Type: matter.FieldNumber},
		{Name: "b", Label: "复杂", Type: matter.FieldBool},
		{Name: "c", Label: "未勾选", Type: matter.FieldBool},
		{Name: "d", Label: "日期", Type: matter.FieldDate},
		{Name: "dt", Label: "时间", Type: matter.FieldDateTime},
		{Name: "sel", Label: "结果", Type: matter.FieldSelect, Options: []matter.Option{{"upheld", "维持"}}},
		{Name: "l", Label: "多行", Type: matter.FieldLines},
		{Name: "empty", Label: "可不填", Type: matter.FieldText},
	}
	v := url.Values{"s": {" 张三 "}, "n": {"5"}, "b": {"on"}, "d": {"2024-10-05"}, "dt": {"2024-09-30T20:00"},
		"sel": {"upheld"}, "l": {"甲\r\n\n 乙 "}, "empty": {"  "}}
	p, err := matter.PayloadFromForm(fields, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"b":true,"c":false,"d":"2024-10-05","dt":"2024-09-30T20:00:00+08:00","l":["甲","乙"],"n":5,"s":"张三","sel":"upheld"}`
	if string(p) != want {
		t.Errorf("payload\n%s\nwant\n%s", p, want)
	}
	for _, c := range []struct{ field, value, msg string }{
		{"n", "5.5", "“期限”应为整数"},
		{"d", "2024-13-01", "“日期”应为日期，如 2025-03-03"},
		{"dt", "2024-09-30 25:00", "“时间”应为日期和时间，如 2025-03-03T14:30"},
		{"sel", "revoked", "“结果”不能为“revoked”，请从列表中选择"},
	} {
		bad := url.Values{}
		for k, vs := range v {
			bad[k] = vs
		}
		bad.Set(c.field, c.value)
		_, err := matter.PayloadFromForm(fields, bad, nil)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Field != c.field || e.Message != c.msg {
			t.Errorf("%s=%q: %v, want %q", c.field, c.value, err, c.msg)
		}
	}
}

func TestExitbanForm(t *testing.T) {
	k, _ := matter.KindByName("exitban")
	base := url.Values{"decision_digest": {digestA}, "person_name": {"张某"}, "person_id_number": {"411602199001011232"},
		"person_role": {"debtor"}, "travel_documents": {"passport E12345678\n港澳通行证 C12345678"}}
	p, err := k.PayloadFromForm(matter.ActionCreate, base)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"decision_digest":"` + digestA + `","person":{"id_number":"411602199001011232","name":"张某","role":"debtor"},` +
		`"travel_documents":[{"kind":"passport","number":"E12345678"},{"kind":"hk_mo_pass","number":"C12345678"}]}`
	if string(p) != want {
		t.Errorf("payload\n%s\nwant\n%s", p, want)
	}
	if err := k.Creation().Validate(p); err != nil {
		t.Error(err)
	}
	none := url.Values{}
	for key, vs := range base {
		none[key] = vs
	}
	none.Del("travel_documents")
	if p, err := k.PayloadFromForm(matter.ActionCreate, none); err != nil || !strings.Contains(string(p), `"travel_documents":[]`) {
		t.Errorf("no documents: %s, %v; want an empty list (none issued)", p, err)
	}
	for _, c := range []struct{ field, value, errField, msg string }{
		{"travel_documents", "护照 E12345678\nE87654321", "travel_documents", "第 2 行格式不对：应为“证件类型 号码”，如“护照 E12345678”"},
		{"travel_documents", "驾驶证 123", "travel_documents", "第 1 行的证件类型“驾驶证”无法识别，应为护照、往来港澳通行证或往来台湾通行证"},
		{"person_role", "legal_representative", "company_name", "请填写“被执行人（单位）名称”"},
		{"person_id_number", "411602199001011231", "person_id_number", ""},
	} {
		bad := url.Values{}
		for key, vs := range base {
			bad[key] = vs
		}
		bad.Set(c.field, c.value)
		_, err := k.PayloadFromForm(matter.ActionCreate, bad)
		e, ok := apperr.As(err)
		if !ok || e.Field != c.errField || (c.msg != "" && e.Message != c.msg) {
			t.Errorf("%s=%q: %v, want %q on %s", c.field, c.value, err, c.msg, c.errField)
		}
	}
}

func TestDispatchForm(t *testing.T) {
	k, _ := matter.KindByName("dispatch")
	v := url.Values{"address": {"川汇区七一路 18 号院"}, "situation": {"围堵执行干警"}, "lat": {"33.6257"}, "lng": {"114.6495"}}
	p, err := k.PayloadFromForm(matter.ActionCreate, v)
	if err != nil || !strings.Contains(string(p), `"lat":33.6257`) || !strings.Contains(string(p), `"lng":114.6495`) {
		t.Fatalf("payload %s, %v: want lat and lng as numbers", p, err)
	}
	v.Set("lat", "北纬33")
	if _, err := k.PayloadFromForm(matter.ActionCreate, v); err == nil || !strings.Contains(err.Error(), "纬度") {
		t.Errorf("bad latitude: %v", err)
	}
	v.Del("lat")
	p, err = k.PayloadFromForm(matter.ActionCreate, v)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Creation().Validate(p); err == nil {
		t.Error("longitude without latitude passed Validate")
	}
	if _, err := k.PayloadFromForm("fly", v); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("unknown action: %v", err)
	}
}
