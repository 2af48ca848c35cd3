package i18n

import (
	"strings"
	"unicode/utf8"
)

// PseudoLanguage is the pseudo-locale of the fit tests: English with accented
// letters, about 40% longer, between ⟦ and ⟧, so text that is not translated
// shows as plain English and text that will not fit a longer language is cut.
const PseudoLanguage Language = "en-XA"

var accented = map[rune]rune{
	'a': 'á', 'b': 'ƀ', 'c': 'ç', 'd': 'ð', 'e': 'é', 'f': 'ƒ', 'g': 'ĝ', 'h': 'ĥ', 'i': 'í', 'j': 'ĵ',
	'k': 'ķ', 'l': 'ļ', 'm': 'ɱ', 'n': 'ñ', 'o': 'ö', 'p': 'þ', 'q': 'ǫ', 'r': 'ŕ', 's': 'š', 't': 'ţ',
	'u': 'ü', 'v': 'ṽ', 'w': 'ŵ', 'x': 'ẋ', 'y': 'ý', 'z': 'ž',
	'A': 'Á', 'B': 'Ɓ', 'C': 'Ç', 'D': 'Ð', 'E': 'É', 'F': 'Ƒ', 'G': 'Ĝ', 'H': 'Ĥ', 'I': 'Í', 'J': 'Ĵ',
	'K': 'Ķ', 'L': 'Ļ', 'M': 'Ṁ', 'N': 'Ñ', 'O': 'Ö', 'P': 'Þ', 'Q': 'Ǫ', 'R': 'Ŕ', 'S': 'Š', 'T': 'Ţ',
	'U': 'Ü', 'V': 'Ṽ', 'W': 'Ŵ', 'X': 'Ẋ', 'Y': 'Ý', 'Z': 'Ž',
}

// Pseudo is text in the pseudo-locale; template actions are kept as they are.
func Pseudo(text string) string {
	var b strings.Builder
	b.WriteString("⟦")
	letters := 0
	for len(text) > 0 {
		if strings.HasPrefix(text, "{{") {
			end := strings.Index(text, "}}")
			if end < 0 {
				end = len(text) - 2
			}
			b.WriteString(text[:end+2])
			text = text[end+2:]
			continue
		}
		r, n := utf8.DecodeRuneInString(text)
		text = text[n:]
		if a, ok := accented[r]; ok {
			r = a
			letters++
		}
		b.WriteRune(r)
	}
	// 40% longer: pad with a tilde per 2.5 letters.
	b.WriteString(strings.Repeat("~", (letters*2+4)/5))
	b.WriteString("⟧")
	return b.String()
}

// WithPseudo is the loaded catalog with the pseudo-locale added to it, made
// from the English texts.
func WithPseudo(ld Loaded) *Catalog {
	for key, f := range ld.Keys[English] {
		m := map[string]string{}
		for form, text := range f {
			m[form] = Pseudo(text)
		}
		if msg, err := parseMessageForms(key, m); err == nil {
			_ = ld.Catalog.bundle.AddMessages(PseudoLanguage.Tag(), msg)
		}
	}
	return ld.Catalog
}

// LoadEmbedded is the console's own translations, loaded again (for tests).
func LoadEmbedded() Loaded { return Load(embedded, "translations") }
