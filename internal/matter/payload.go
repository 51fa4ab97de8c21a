package matter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/workday"
)

// Payload helpers for the kinds' Validate functions. A payload is a JSON
// object; fields are checked with Chinese messages naming the field.

// MaxPayload is the largest payload accepted, in bytes.
const MaxPayload = 64 << 10

// object decodes payload into a map of raw fields. An empty payload is an
// empty object.
func object(payload json.RawMessage) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(payload)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil || m == nil {
		return nil, apperr.Invalidf("payload", CodePayload, "提交的内容格式不正确（应为 JSON 对象）")
	}
	return m, nil
}

// text returns field name of m as a trimmed string ("" when absent).
func text(m map[string]json.RawMessage, name, label string, max int) (string, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", apperr.Invalidf(name, CodePayload, "“%s”应为文字", label)
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", apperr.Invalidf(name, CodePayload, "“%s”过长，最多 %d 个字", label, max)
	}
	return s, nil
}

// requireText returns a Validate that needs field name to be non-empty text.
func requireText(name, label string, max int) func(json.RawMessage) error {
	return func(p json.RawMessage) error {
		m, err := object(p)
		if err != nil {
			return err
		}
		return needText(m, name, label, max)
	}
}

func needText(m map[string]json.RawMessage, name, label string, max int) error {
	s, err := text(m, name, label, max)
	if err != nil {
		return err
	}
	if s == "" {
		return apperr.Invalidf(name, CodePayload, "请填写“%s”", label)
	}
	return nil
}

// needTime needs field name to be a time: RFC 3339, or "2006-01-02 15:04"
// in China time as people type it.
func needTime(m map[string]json.RawMessage, name, label string) (time.Time, error) {
	s, err := text(m, name, label, 64)
	if err != nil {
		return time.Time{}, err
	}
	if s == "" {
		return time.Time{}, apperr.Invalidf(name, CodePayload, "请填写“%s”", label)
	}
	return parseTime(name, label, s)
}

var china = workday.Location()

func parseTime(name, label, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, china); err == nil {
			return t, nil
		}
	}
	return time.Time{}, apperr.Invalidf(name, CodePayload, "“%s”应为时间，如 2024-10-09 14:30", label)
}

// oneOf needs field name to be one of the codes in choices (code → label).
func oneOf(m map[string]json.RawMessage, name, label string, choices []choice) (string, error) {
	s, err := text(m, name, label, 64)
	if err != nil {
		return "", err
	}
	var names []string
	for _, c := range choices {
		if s == c.Code || (s != "" && s == c.Label) {
			return c.Code, nil
		}
		names = append(names, fmt.Sprintf("%s(%s)", c.Code, c.Label))
	}
	if s == "" {
		return "", apperr.Invalidf(name, CodePayload, "请选择“%s”", label)
	}
	return "", apperr.Invalidf(name, CodePayload, "“%s”不能为“%s”，可选：%s", label, s, strings.Join(names, "、"))
}

// choice is one allowed value of an enumerated field.
type choice struct{ Code, Label string }
