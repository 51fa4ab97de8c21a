package web

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"liandong/internal/matter"
	"liandong/internal/pii"
)

// Identity numbers, passport numbers and mobile numbers that a payload
// carries (an exit ban names the restricted person; a dispatch call a
// phone) are masked wherever a timeline is shown, on pages and in the API
// (S-SEC-3: lists and pages show them masked). Sealing them at rest too is
// the engine's next step (see the issue note).
var (
	idPattern       = regexp.MustCompile(`\b\d{17}[\dXx]\b|\b\d{15}\b`)
	passportPattern = regexp.MustCompile(`\b[EGDSPHM][A-Z]?\d{7,8}\b`)
	phonePattern    = regexp.MustCompile(`\b1[3-9]\d{9}\b`)
)

// maskPersonal masks the personal numbers in s.
func maskPersonal(s string) string {
	s = idPattern.ReplaceAllStringFunc(s, func(v string) string { return pii.Mask(pii.IDNumber, v) })
	s = phonePattern.ReplaceAllStringFunc(s, func(v string) string { return pii.Mask(pii.Phone, v) })
	return passportPattern.ReplaceAllStringFunc(s, func(v string) string { return pii.Mask(pii.IDNumber, v) })
}

// payloadPairs flattens an event payload for the timeline: one line per
// top-level key, nested values as compact JSON. Identity numbers inside
// payloads are the engine's business to keep out (they live in subjects).
func payloadPairs(raw json.RawMessage) []kv {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]kv, 0, len(keys))
	for _, k := range keys {
		var v string
		switch x := m[k].(type) {
		case string:
			v = x
			if t, err := time.Parse(time.RFC3339, x); err == nil { // datetime fields and automatic acts
				v = t.In(shanghai).Format("2006-01-02 15:04")
			}
		case bool:
			v = map[bool]string{true: "是", false: "否"}[x]
		case float64:
			v = strings.TrimSuffix(fmt.Sprintf("%.6f", x), ".000000")
		default:
			b, _ := json.Marshal(x)
			v = string(b)
		}
		if v == "" {
			continue
		}
		out = append(out, kv{K: k, V: maskPersonal(v)})
	}
	return out
}

// autoPayloadLabels name the keys of the payloads that automatic acts
// (the seal register's take_effect, renewed, lifted) record, which no form
// field labels.
var autoPayloadLabels = map[string]string{
	"seal_id": "查封登记号", "vin": "车辆识别代号", "plate": "号牌号码", "state": "登记簿状态",
	"queue_position": "查封顺序", "effective_at": "生效时间", "expires_at": "期限届满", "promoted": "轮候转为生效",
	"reason": "理由", "court": "法院",
}

// timelinePair shows one payload line as a person reads it: the field's
// Chinese label, a select's option label rather than its code, a state
// by its name, a unit by its name, and a document by a short form of its
// SM3 digest.
func timelinePair(k *matter.Kind, fields map[string]matter.Field, units map[string]string, p kv) kv {
	f, ok := fields[p.K]
	if !ok {
		if l, ok := autoPayloadLabels[p.K]; ok {
			if p.K == "state" && k != nil {
				p.V = k.StateLabel(matter.State(p.V))
			}
			p.K = l
		}
		return p
	}
	p.K = f.Label
	switch f.Type {
	case matter.FieldSelect:
		for _, o := range f.Options {
			if o.Value == p.V {
				p.V = o.Label
			}
		}
	case matter.FieldUnit:
		if n, ok := units[p.V]; ok {
			p.V = n
		}
	case matter.FieldDocument:
		if len(p.V) == 64 {
			p.V = "已上传（SM3 " + p.V[:8] + "…" + p.V[56:] + "）"
		}
	}
	return p
}
