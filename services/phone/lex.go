package phone

import (
	"unicode"
	"unicode/utf8"
)

// maxDigits bounds how many digits are kept from the input: no number in any plan
// is longer than 3 (country code) + 17 (MAX_LENGTH_FOR_NSN) digits, so more than
// this is simply too long and nothing beyond needs looking at.
const maxDigits = 24

// lexed is what the customer typed, sorted into digits and everything else.
// Nothing is converted: letters stay letters (never a vanity conversion).
type lexed struct {
	digits   [maxDigits]byte
	n        int  // digits kept in digits
	total    int  // digits seen, may exceed maxDigits
	plus     bool // a plus sign before the first digit
	nonASCII bool // digits other than ASCII 0-9 (full-width, Arabic-Indic...)
	letters  []rune
	seps     []rune // distinct separators and other symbols, in order of appearance
}

// digitZeros are the code points of 0 in the scripts whose digits are read as
// 0-9: full-width (the CJK input methods), Arabic-Indic, Eastern Arabic-Indic
// (Persian, Urdu), Devanagari, Bengali, Thai, Myanmar. Other Unicode digits are
// reported as characters the form rejects instead of being guessed at.
var digitZeros = [...]rune{0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040}

func digitValue(r rune) (byte, bool, bool) {
	if r >= '0' && r <= '9' {
		return byte(r), true, false
	}
	if r < 0x0660 || !unicode.IsDigit(r) {
		return 0, false, false
	}
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return byte('0' + r - z), true, true
		}
	}
	return 0, false, false
}

// lex sorts raw into digits, a leading plus, letters and separators. It never
// fails: invalid UTF-8 counts as a symbol.
func lex(raw string) lexed {
	var l lexed
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		i += size
		if d, ok, wide := digitValue(r); ok {
			if l.n < maxDigits {
				l.digits[l.n] = d
				l.n++
			}
			l.total++
			l.nonASCII = l.nonASCII || wide
			continue
		}
		if (r == '+' || r == '\uFF0B') && l.total == 0 {
			l.plus = true
			if r != '+' {
				l.nonASCII = true
			}
			continue
		}
		if isLetter(r) {
			if len(l.letters) < 8 && !containsRune(l.letters, r) {
				l.letters = append(l.letters, r)
			}
			continue
		}
		if len(l.seps) < 8 && !containsRune(l.seps, r) {
			l.seps = append(l.seps, r)
		}
	}
	return l
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// isLetter is the one definition of a letter for the lexer and its tests.
func isLetter(r rune) bool { return unicode.IsLetter(r) }
