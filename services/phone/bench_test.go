package phone

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// The SPEC section 10 goal: one diagnosis within 2x a bare Parse + IsValidNumber
// + GetNumberType of the same input. Both benchmarks use the same typical input
// (a Taiwanese mobile typed the national way, with spaces) and warm the lazy
// data first (the carrier table, the plan's compiled patterns), since an agent's
// console has done that by its second keystroke.
const (
	benchRegion = "TW"
	benchInput  = "0936 123 456"
)

func BenchmarkDiagnose(b *testing.B) {
	Diagnose(benchRegion, benchInput)
	b.ReportAllocs()
	for b.Loop() {
		d := Diagnose(benchRegion, benchInput)
		if !d.Valid {
			b.Fatal("not valid")
		}
	}
}

func BenchmarkBareParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		n, err := phonenumbers.Parse(benchInput, benchRegion)
		if err != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.GetNumberType(n) != phonenumbers.MOBILE {
			b.Fatal("not a valid mobile")
		}
	}
}

// BenchmarkDiagnoseInvalid measures the slow path: invalid here, so the likely
// other regions are checked for a valid mobile number.
func BenchmarkDiagnoseInvalid(b *testing.B) {
	Diagnose("GB", "0936123456")
	b.ReportAllocs()
	for b.Loop() {
		if d := Diagnose("GB", "0936123456"); !d.Has(CodeValidInOtherRegion) {
			b.Fatal("no other region")
		}
	}
}

// BenchmarkDiagnoseUS is a NANP number, whose calling code has 25 plans.
func BenchmarkDiagnoseUS(b *testing.B) {
	Diagnose("US", "(650) 253-0000")
	b.ReportAllocs()
	for b.Loop() {
		Diagnose("US", "(650) 253-0000")
	}
}
