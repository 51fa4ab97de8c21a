package web

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

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
