package ident_test

import (
	"testing"

	"liandong/internal/ident"
)

// TestVINCheckDigit: the digit ParseVIN checks is the one VINCheckDigit
// computes, whatever stands at position 9; I, O, Q and short input are
// refused.
func TestVINCheckDigit(t *testing.T) {
	for _, tt := range []struct {
		vin  string
		want byte
		ok   bool
	}{
		{"1M8GDM9AXKP042788", 'X', true}, // ISO 3779's example
		{"LVSFCFME37F107967", '3', true},
		{"LVSFCFME07F107967", '3', true}, // position 9 ignored
		{"LFVA2BUI2JH451022", 0, false},  // I not allowed
		{"LFVA2BU3", 0, false},
	} {
		got, ok := ident.VINCheckDigit(tt.vin)
		if got != tt.want || ok != tt.ok {
			t.Errorf("VINCheckDigit(%s) = %c, %v; want %c, %v", tt.vin, got, ok, tt.want, tt.ok)
		}
		if ok {
			b := []byte(tt.vin)
			b[8] = got
			if _, err := ident.ParseVIN(string(b)); err != nil {
				t.Errorf("%s with its check digit does not parse: %v", b, err)
			}
		}
	}
}
