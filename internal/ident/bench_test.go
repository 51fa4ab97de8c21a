package ident

import "testing"

func BenchmarkParseResidentID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResidentIDAt("11010519491231002X", testToday); err != nil {
			b.Fatal(err)
		}
	}
}

// The clock-reading variant, as callers use it.
func BenchmarkParseResidentIDNow(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResidentID("11010519491231002X"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseResidentIDFullWidth(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResidentIDAt("１１０１０５ １９４９１２３１ ００２ｘ", testToday); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCreditCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCreditCode("91350100M000100Y43"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePlate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePlate("豫PD12345"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVIN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseVIN("LVSFCFME37F107967"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCaseNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCaseNumberAt("（2021）豫16执123号", testToday); err != nil {
			b.Fatal(err)
		}
	}
}

// Detect builds a full Result with facts, so it allocates by design.
func BenchmarkDetect(b *testing.B) {
	inputs := []string{"11010519491231002X", "91350100M000100Y43", "豫P·12345", "1M8GDM9AXKP042788", "（2021）豫16执123号", "E12345678"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := DetectAt(inputs[i%len(inputs)], testToday); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// An invalid number: the error path formats a message.
func BenchmarkDetectInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DetectAt("110105194912310021", testToday); err == nil {
			b.Fatal("accepted")
		}
	}
}
