package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

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
		out = append(out, kv{K: k, V: v})
	}
	return out
}
