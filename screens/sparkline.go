package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sparkline draws a delivery rate hour by hour (oldest first, 0 to 1) as a
// small line: a gap where an hour had too few sends to say (nil), and the
// usual rate as a faint level line, so a drop reads without a scale. The
// hours under half the usual rate are marked in the theme's error colour
// with a dot, never by colour alone. Sizes are in text heights, so it
// follows Fyne's scale.
type sparkline struct {
	widget.BaseWidget
	rates []*float64
	usual *float64
	// width is the minimum width in text heights.
	width float32
	// caption, when set, is written small under the line: what it draws.
	caption string
}

func newSparkline(widthEm float32) *sparkline {
	s := &sparkline{width: widthEm}
	s.ExtendBaseWidget(s)
	return s
}

// set shows rates against usual (nil: no level line). UI thread.
func (s *sparkline) set(rates []*float64, usual *float64) {
	s.rates, s.usual = rates, usual
	s.Refresh()
}

// setCaption writes text under the line. UI thread.
func (s *sparkline) setCaption(text string) {
	s.caption = text
	s.Refresh()
}

func (s *sparkline) CreateRenderer() fyne.WidgetRenderer { return &sparkRenderer{s: s} }

type sparkRenderer struct {
	s       *sparkline
	objects []fyne.CanvasObject
}

func (r *sparkRenderer) MinSize() fyne.Size {
	em := theme.TextSize()
	if r.s.caption != "" {
		return fyne.NewSize(r.s.width*em, 2.4*em)
	}
	return fyne.NewSize(r.s.width*em, 1.2*em)
}

func (r *sparkRenderer) Layout(size fyne.Size) { r.build(size) }

func (r *sparkRenderer) Refresh() {
	r.build(r.s.Size())
	canvas.Refresh(r.s)
}

func (r *sparkRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *sparkRenderer) Destroy()                     {}

// build draws the line afresh: at most a few dozen segments.
func (r *sparkRenderer) build(size fyne.Size) {
	r.objects = r.objects[:0]
	n := len(r.s.rates)
	if n == 0 || size.Width <= 0 || size.Height <= 0 {
		return
	}
	th := theme.Current()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg, bad, faint := th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameError, v), th.Color(theme.ColorNameDisabled, v)
	if r.s.caption != "" {
		small := theme.TextSize() * 0.8
		t := canvas.NewText(r.s.caption, th.Color(theme.ColorNamePlaceHolder, v))
		t.TextSize = small
		t.Move(fyne.NewPos(0, size.Height-small*1.3))
		t.Resize(fyne.NewSize(size.Width, small))
		r.objects = append(r.objects, t)
		size.Height -= small * 1.5
	}
	pad := size.Height * 0.1
	h := size.Height - 2*pad
	y := func(rate float64) float32 { return pad + h*float32(1-min(1, max(0, rate))) }
	step := size.Width / float32(max(1, n-1))
	x := func(i int) float32 {
		if n == 1 {
			return size.Width / 2
		}
		return float32(i) * step
	}
	if u := r.s.usual; u != nil {
		l := canvas.NewLine(faint)
		l.Position1, l.Position2 = fyne.NewPos(0, y(*u)), fyne.NewPos(size.Width, y(*u))
		r.objects = append(r.objects, l)
	}
	dot := max(2, size.Height*0.18)
	for i, rate := range r.s.rates {
		if rate == nil {
			continue
		}
		if i+1 < n && r.s.rates[i+1] != nil {
			l := canvas.NewLine(fg)
			l.StrokeWidth = 1.5
			l.Position1, l.Position2 = fyne.NewPos(x(i), y(*rate)), fyne.NewPos(x(i+1), y(*r.s.rates[i+1]))
			r.objects = append(r.objects, l)
		}
		low := r.s.usual != nil && *rate < *r.s.usual/2
		lonely := (i == 0 || r.s.rates[i-1] == nil) && (i+1 == n || r.s.rates[i+1] == nil)
		if low || lonely {
			c := canvas.NewCircle(fg)
			if low {
				c.FillColor = bad
			}
			c.Resize(fyne.NewSize(dot, dot))
			c.Move(fyne.NewPos(x(i)-dot/2, y(*rate)-dot/2))
			r.objects = append(r.objects, c)
		}
	}
}
