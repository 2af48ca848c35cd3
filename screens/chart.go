package screens

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
)

// deliveryChart draws requests over time as stacked bars: delivered in the
// theme's success colour, failures in its error colour and marked with a
// count and ✗ above the bar (never colour alone), pending in the disabled
// colour. Sizes are in text heights, so it follows Fyne's scale.
type deliveryChart struct {
	widget.BaseWidget
	buckets []deliveries.Bucket
	label   func(i int, b deliveries.Bucket) string // the axis label under bar i, "" for none
}

func newDeliveryChart() *deliveryChart {
	c := &deliveryChart{}
	c.ExtendBaseWidget(c)
	return c
}

// set shows buckets; label names the bars worth naming. UI thread.
func (c *deliveryChart) set(buckets []deliveries.Bucket, label func(int, deliveries.Bucket) string) {
	c.buckets, c.label = buckets, label
	c.Refresh()
}

func (c *deliveryChart) CreateRenderer() fyne.WidgetRenderer {
	return &chartRenderer{c: c}
}

type chartRenderer struct {
	c       *deliveryChart
	objects []fyne.CanvasObject
}

func (r *chartRenderer) MinSize() fyne.Size {
	em := theme.TextSize()
	return fyne.NewSize(22*em, 5*em)
}

func (r *chartRenderer) Layout(size fyne.Size) { r.build(size) }

func (r *chartRenderer) Refresh() {
	r.build(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *chartRenderer) Destroy()                     {}

// build lays the bars out afresh: a chart has at most a few dozen objects.
func (r *chartRenderer) build(size fyne.Size) {
	r.objects = r.objects[:0]
	bs := r.c.buckets
	if len(bs) == 0 || size.Width <= 0 || size.Height <= 0 {
		return
	}
	em := theme.TextSize()
	small := em * 0.8
	top, bottom := 1.3*em, 1.4*em // room for counts above and labels below
	plotH := size.Height - top - bottom
	if plotH <= 0 {
		return
	}
	most := 1
	for _, b := range bs {
		most = max(most, b.Total())
	}
	slot := size.Width / float32(len(bs))
	barW := slot * 0.7
	th := theme.Current()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	ok, bad, pending := th.Color(theme.ColorNameSuccess, v), th.Color(theme.ColorNameError, v), th.Color(theme.ColorNameDisabled, v)
	axis := canvas.NewLine(th.Color(theme.ColorNameSeparator, v))
	axis.Position1 = fyne.NewPos(0, top+plotH)
	axis.Position2 = fyne.NewPos(size.Width, top+plotH)
	r.objects = append(r.objects, axis)
	for i, b := range bs {
		x := float32(i)*slot + (slot-barW)/2
		y := top + plotH
		for _, part := range []struct {
			n   int
			col color.Color
		}{{b.Delivered, ok}, {b.Pending, pending}, {b.Failed, bad}} {
			if part.n == 0 {
				continue
			}
			h := plotH * float32(part.n) / float32(most)
			y -= h
			rect := canvas.NewRectangle(part.col)
			rect.Move(fyne.NewPos(x, y))
			rect.Resize(fyne.NewSize(barW, h))
			r.objects = append(r.objects, rect)
		}
		if b.Total() > 0 {
			count := fmt.Sprint(b.Total())
			if b.Failed > 0 {
				count = fmt.Sprintf("%d ✗", b.Failed)
			}
			t := canvas.NewText(count, th.Color(theme.ColorNameForeground, v))
			if b.Failed > 0 {
				t.Color = bad
			}
			t.TextSize = small
			t.Alignment = fyne.TextAlignCenter
			t.Move(fyne.NewPos(x, y-small*1.3))
			t.Resize(fyne.NewSize(barW, small))
			r.objects = append(r.objects, t)
		}
		if r.c.label != nil {
			if s := r.c.label(i, b); s != "" {
				t := canvas.NewText(s, th.Color(theme.ColorNamePlaceHolder, v))
				t.TextSize = small
				t.Alignment = fyne.TextAlignCenter
				t.Move(fyne.NewPos(float32(i)*slot-slot, top+plotH+0.2*em))
				t.Resize(fyne.NewSize(3*slot, small))
				r.objects = append(r.objects, t)
			}
		}
	}
}

// dayLabels names every sixth hour of a day chart in the agent's time.
func dayLabels(i int, b deliveries.Bucket) string {
	if h := b.Start.In(time.Local).Hour(); h%6 == 0 {
		return fmt.Sprintf("%02d:00", h)
	}
	return ""
}

// weekLabels names each day of a week chart, in the agent's language.
func weekLabels(_ int, b deliveries.Bucket) string {
	return i18n.Weekday(i18n.Current(), b.Start.In(time.Local))
}
