package phone_test

import (
	"fmt"

	"verifydesk/services/phone"
)

// The help pages' Taiwan case: the number typed with the country code and the
// legacy trunk 0 after it.
func ExampleDiagnose() {
	d := phone.Diagnose("TW", "+886 0936-123-456")
	fmt.Println(d.E164, d.Type, d.AppEntry, d.AppEntryWithTrunk)
	for _, f := range d.Findings {
		fmt.Println(f.Severity, f.Code)
	}
	// Output:
	// +886936123456 mobile 936123456 0936123456
	// warning SEPARATORS
	// warning PLUS_SIGN
	// warning COUNTRY_CODE_TYPED
	// warning TRUNK_AFTER_COUNTRY_CODE
	// info PORTING_POSSIBLE
}

// Letters are never turned into digits: "0936ABC456" is not the customer's number.
func ExampleDiagnose_letters() {
	d := phone.Diagnose("TW", "0936ABC456")
	fmt.Println(d.Valid, d.E164 == "", d.Codes())
	// Output: false true [LETTERS]
}
