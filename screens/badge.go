package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// badgeWidget is a short word on a theme-coloured pill: success, warning, danger,
// high (primary) or medium (neutral). The word carries the meaning; the colour
// only helps the eye, so nothing is told by colour alone.
type badgeWidget struct {
	widget.BaseWidget
	text       string
	importance widget.Importance
}

// badge returns a badge showing text with the colour of importance.
func badge(text string, importance widget.Importance) *badgeWidget {
	b := &badgeWidget{text: text, importance: importance}
	b.ExtendBaseWidget(b)
	return b
}

// set changes the badge's word and colour. UI thread only.
func (b *badgeWidget) set(text string, importance widget.Importance) {
	b.text, b.importance = text, importance
	b.Refresh()
}

func (b *badgeWidget) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), label: canvas.NewText("", color.Black)}
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b     *badgeWidget
	bg    *canvas.Rectangle
	label *canvas.Text
}

// colors are a tint of the importance colour with its full colour as the
// outline, and the theme's text colour on top: readable in light and dark
// themes alike (the theme's white-on-bright-green is not).
func (r *badgeRenderer) colors() (fill, stroke, fg color.Color) {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	name := theme.ColorNameDisabled
	switch r.b.importance {
	case widget.SuccessImportance:
		name = theme.ColorNameSuccess
	case widget.WarningImportance:
		name = theme.ColorNameWarning
	case widget.DangerImportance:
		name = theme.ColorNameError
	case widget.HighImportance:
		name = theme.ColorNamePrimary
	}
	c := color.NRGBAModel.Convert(th.Color(name, v)).(color.NRGBA)
	tint := c
	tint.A = 0x40
	return tint, c, th.Color(theme.ColorNameForeground, v)
}

func (r *badgeRenderer) pad() fyne.Size {
	th := r.b.Theme()
	p := th.Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(p, p/2)
}

func (r *badgeRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	p := r.pad()
	r.label.Move(fyne.NewPos(p.Width, p.Height))
	r.label.Resize(fyne.NewSize(size.Width-2*p.Width, size.Height-2*p.Height))
}

func (r *badgeRenderer) MinSize() fyne.Size {
	p := r.pad()
	m := r.label.MinSize()
	return fyne.NewSize(m.Width+2*p.Width, m.Height+2*p.Height)
}

func (r *badgeRenderer) Refresh() {
	th := r.b.Theme()
	fill, stroke, fg := r.colors()
	r.bg.FillColor = fill
	r.bg.StrokeColor = stroke
	r.bg.StrokeWidth = th.Size(theme.SizeNameInputBorder)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.label.Text = r.b.text
	r.label.Color = fg
	r.label.TextSize = th.Size(theme.SizeNameCaptionText)
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.bg.Refresh()
	r.label.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.label} }
func (r *badgeRenderer) Destroy()                     {}
