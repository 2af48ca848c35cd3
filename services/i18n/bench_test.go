package i18n

import "testing"

// The cost of a word on screen: a plain text, a template, a plural, each in
// Russian from the console's own files.
func BenchmarkLocalize(b *testing.B) {
	ru := LoadEmbedded().Catalog.In(Russian)
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			_ = ru.L("Resend code")
		}
	})
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			_ = ru.L("Saved {{.What}}.", M{"What": "x"})
		}
	})
	b.Run("plural", func(b *testing.B) {
		for b.Loop() {
			_ = ru.N("{{.Count}} cases. Pick one to open it.", 5)
		}
	})
}

// Loading every translation file, as the console does at start.
func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		_ = LoadEmbedded()
	}
}
