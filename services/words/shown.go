package words

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"verifydesk/services/i18n"
)

// Shown is text from outside (the backend, a file, a cached case) made safe
// to show a person, in the window or a terminal: the one text-display
// function of the console.
//
//   - Control characters are shown escaped, visibly: "\x1b", "\x00", "\x07";
//     line breaks too ("\n"), unless lines is true, where they stay (a
//     wrapped note).
//   - Direction embeddings, overrides and isolates (U+202A–U+202E,
//     U+2066–U+2069) and zero-width spaces (U+200B, U+2060, U+FEFF) are
//     shown as "<U+202E>": they can make a file name or a number read other
//     than it is ("\u202eRTL-gnp.exe" reads "exe.png-LTR"), so what the
//     agent reads is the order stored. The marks right-to-left text needs
//     (U+200E, U+200F) and the joiners of emoji and of Persian (U+200C,
//     U+200D) stay: they reorder nothing.
//   - A byte that is not UTF-8 is U+FFFD.
//   - Past max characters (max > 0) the text is cut, with how much more
//     there was, in the agent's language: "…(+9,980 characters)".
func Shown(s string, max int, lines bool) string {
	if fine(s, max, lines) {
		return s
	}
	var b strings.Builder
	n := 0 // characters written
	for i, r := range s {
		piece := shownRune(s, i, r, lines)
		if max > 0 && n+utf8.RuneCountInString(piece) > max {
			rest := utf8.RuneCountInString(s[i:])
			b.WriteString(i18n.N("…(+{{.Count}} characters)", rest))
			break
		}
		n += utf8.RuneCountInString(piece)
		b.WriteString(piece)
	}
	return b.String()
}

// shownRune is how r, at s[i], is shown.
func shownRune(s string, i int, r rune, lines bool) string {
	switch {
	case r == utf8.RuneError:
		return string(utf8.RuneError) // a stray byte, or U+FFFD itself
	case r == '\n' && lines, r == '\t':
		return string(r)
	case r == '\r' && lines && strings.HasPrefix(s[i+1:], "\n"):
		return "" // the line break is the \n's
	case r == '\n':
		return `\n`
	case r == '\r':
		return `\r`
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf(`\x%02x`, r)
	case unicode.IsControl(r): // C1
		return fmt.Sprintf(`\u%04x`, r)
	case hidden(r):
		return fmt.Sprintf("<U+%04X>", r)
	}
	return string(r)
}

// fine: s needs no change (the common case costs one scan, no allocation).
func fine(s string, max int, lines bool) bool {
	n := 0
	for i, r := range s {
		n++
		if max > 0 && n > max {
			return false
		}
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return false
			}
		case r == '\t', r == '\n' && lines:
		case r < 0x20 || r == 0x7f || unicode.IsControl(r) || hidden(r):
			return false
		}
	}
	return true
}

// hidden: characters that change how the text around them reads, or do not
// show at all.
func hidden(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, // embeddings, overrides, isolates
		r == 0x200b, r == 0x2060, r == 0xfeff, r == 0x180e: // zero-width spaces
		return true
	}
	return false
}
