package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Appearances the console offers: the system's choice, or light or dark.
const (
	AppearanceSystem = "system"
	AppearanceLight  = "light"
	AppearanceDark   = "dark"
)

// Theme is Fyne's default theme, in the variant an appearance names
// (AppearanceSystem: whatever the system says).
func Theme(appearance string) fyne.Theme {
	switch appearance {
	case AppearanceLight:
		return variantTheme{theme.DefaultTheme(), theme.VariantLight}
	case AppearanceDark:
		return variantTheme{theme.DefaultTheme(), theme.VariantDark}
	}
	return theme.DefaultTheme()
}

// variantTheme is a theme fixed to one variant.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}
