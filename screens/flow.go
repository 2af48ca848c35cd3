package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// flowLayout lays objects out left to right at their minimum size, and
// starts a new line when the next does not fit: a row of buttons whose words
// are longer in another language wraps instead of widening the window.
type flowLayout struct {
	// width is the width last laid out in: MinSize's height is the lines
	// the objects take there (as a wrapped label's is).
	width float32
}

// newFlow is objects in a flowLayout.
func newFlow(objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowLayout{}, objects...)
}

func (f *flowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.place(objects, size.Width, true)
}

// MinSize is as wide as the widest object, and as tall as the lines the
// objects take at the width last laid out in (one line before any layout).
func (f *flowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var width float32
	for _, o := range objects {
		if o.Visible() {
			width = fyne.Max(width, o.MinSize().Width)
		}
	}
	at := f.width
	if at == 0 {
		at = 1e9 // not laid out yet: one line
	}
	return fyne.NewSize(width, f.place(objects, fyne.Max(at, width), false))
}

// place puts the objects in lines within width (when move is true) and says
// how tall the lines are.
func (f *flowLayout) place(objects []fyne.CanvasObject, width float32, move bool) float32 {
	pad := theme.Padding()
	x, y, line := float32(0), float32(0), float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		min := o.MinSize()
		if x > 0 && x+min.Width > width {
			x, y, line = 0, y+line+pad, 0
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(min)
		}
		x += min.Width + pad
		line = fyne.Max(line, min.Height)
	}
	return y + line
}

// barLayout is a bar of three parts: main, side and below. When main and
// side fit on one line, side is at the right of main and below takes the
// second line; else main takes the first line alone and side goes to the
// right of below on the second; when even that is too wide, side has the
// second line and below the third. main and below take the width side
// leaves (a search field grows). The top bar wraps so in a language whose
// words are longer than the bar is wide.
type barLayout struct {
	width float32 // last laid out in: MinSize's height follows it
}

// newBar is main, side and below in a barLayout.
func newBar(main, side, below fyne.CanvasObject) *fyne.Container {
	return container.New(&barLayout{}, main, side, below)
}

// lines is how many lines the bar takes in width: 1 (main and side on
// the first), 2 (side beside below) or 3.
func (b *barLayout) lines(mm, sm, bm fyne.Size, width float32) int {
	pad := theme.Padding()
	switch {
	case mm.Width+pad+sm.Width <= width:
		return 1
	case sm.Width+pad+bm.Width <= width:
		return 2
	}
	return 3
}

func (b *barLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	b.width = size.Width
	main, side, below := objects[0], objects[1], objects[2]
	mm, sm, bm := main.MinSize(), side.MinSize(), below.MinSize()
	pad := theme.Padding()
	switch b.lines(mm, sm, bm, size.Width) {
	case 1:
		h := fyne.Max(mm.Height, sm.Height)
		main.Move(fyne.NewPos(0, 0))
		main.Resize(fyne.NewSize(size.Width-sm.Width-pad, h))
		side.Move(fyne.NewPos(size.Width-sm.Width, 0))
		side.Resize(fyne.NewSize(sm.Width, h))
		below.Move(fyne.NewPos(0, h+pad))
		below.Resize(fyne.NewSize(size.Width, bm.Height))
	case 2:
		main.Move(fyne.NewPos(0, 0))
		main.Resize(fyne.NewSize(size.Width, mm.Height))
		y := mm.Height + pad
		h := fyne.Max(bm.Height, sm.Height)
		below.Move(fyne.NewPos(0, y))
		below.Resize(fyne.NewSize(size.Width-sm.Width-pad, h))
		side.Move(fyne.NewPos(size.Width-sm.Width, y))
		side.Resize(fyne.NewSize(sm.Width, h))
	default:
		main.Move(fyne.NewPos(0, 0))
		main.Resize(fyne.NewSize(size.Width, mm.Height))
		side.Move(fyne.NewPos(size.Width-sm.Width, mm.Height+pad))
		side.Resize(sm)
		below.Move(fyne.NewPos(0, mm.Height+pad+sm.Height+pad))
		below.Resize(fyne.NewSize(size.Width, bm.Height))
	}
}

func (b *barLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	mm, sm, bm := objects[0].MinSize(), objects[1].MinSize(), objects[2].MinSize()
	pad := theme.Padding()
	at := b.width
	if at == 0 {
		at = mm.Width + sm.Width + pad // not laid out yet: one line
	}
	// As narrow as the widest part: the bar wraps rather than widening the
	// window; as tall as its lines were when last laid out.
	width := fyne.Max(mm.Width, fyne.Max(sm.Width, bm.Width))
	switch b.lines(mm, sm, bm, at) {
	case 1:
		return fyne.NewSize(width, fyne.Max(mm.Height, sm.Height)+pad+bm.Height)
	case 2:
		return fyne.NewSize(width, mm.Height+pad+fyne.Max(bm.Height, sm.Height))
	}
	return fyne.NewSize(width, mm.Height+pad+sm.Height+pad+bm.Height)
}
