package screens

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/geo/worldmap"
)

// mapPoint is one login place on the world map.
type mapPoint struct {
	lon, lat float64
	flagged  bool
}

// worldMap draws the country outlines in the theme's colours with the login
// places on top: ordinary logins as dots, flagged ones as larger diamonds in the
// error colour (shape and colour, never colour alone), the selected one ringed.
// It scales with its size and keeps the map's aspect, centred.
type worldMap struct {
	widget.BaseWidget
	points   []mapPoint
	selected int // index into points, -1 for none
	// onTapped is called with the index of the point nearest a tap, when one is
	// close enough to mean it.
	onTapped func(i int)

	// base caches the rendered land for one pixel size and palette: drawing the
	// outlines costs milliseconds, the markers almost nothing.
	base    *image.RGBA
	baseKey [4]any
}

func newWorldMap() *worldMap {
	m := &worldMap{selected: -1}
	m.ExtendBaseWidget(m)
	return m
}

// setPoints replaces the places and the selection. UI thread only.
func (m *worldMap) setPoints(pts []mapPoint, selected int) {
	m.points, m.selected = pts, selected
	m.Refresh()
}

// mapMinWidth is the smallest useful map, in theme units: below it Europe's
// points merge into one. It is what the window's smallest size allows: the
// Activity tab fits a 1080p screen at scale 1.5 (1280x720 in Fyne units); a
// bigger window gives the map more.
func mapMinWidth() float32 { return theme.Padding() * 72 }

func (m *worldMap) MinSize() fyne.Size {
	w := mapMinWidth()
	return fyne.NewSize(w, w/float32(worldmap.Aspect))
}

func (m *worldMap) CreateRenderer() fyne.WidgetRenderer {
	raster := canvas.NewRaster(m.draw)
	return &worldMapRenderer{m: m, raster: raster}
}

// Tapped selects the point nearest the tap, within a few marker sizes.
func (m *worldMap) Tapped(ev *fyne.PointEvent) {
	if m.onTapped == nil || len(m.points) == 0 {
		return
	}
	size := m.Size()
	p := worldmap.Fit(float64(size.Width), float64(size.Height))
	best, bestD := -1, math.Inf(1)
	for i, pt := range m.points {
		x, y := p.Project(pt.lon, pt.lat)
		if d := math.Hypot(x-float64(ev.Position.X), y-float64(ev.Position.Y)); d < bestD {
			best, bestD = i, d
		}
	}
	if bestD <= float64(theme.Padding()*6) {
		m.onTapped(best)
	}
}

// palette is the map's colours from the current theme.
func (m *worldMap) palette() (worldmap.Style, color.Color, color.Color, color.Color, color.Color) {
	th := m.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	style := worldmap.Style{
		Sea:    c(theme.ColorNameInputBackground),
		Land:   c(theme.ColorNameDisabled),
		Border: c(theme.ColorNameBackground),
	}
	return style, c(theme.ColorNamePrimary), c(theme.ColorNameError), c(theme.ColorNameForeground), c(theme.ColorNameBackground)
}

// draw is the raster's generator: w and h are in pixels.
func (m *worldMap) draw(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if w <= 0 || h <= 0 {
		return img
	}
	style, dot, flag, fg, bg := m.palette()
	proj := worldmap.Fit(float64(w), float64(h))
	key := [4]any{w, h, style, bg}
	if m.base == nil || m.baseKey != key {
		m.base = image.NewRGBA(img.Rect)
		worldmap.Render(m.base, proj, style)
		m.baseKey = key
	}
	copy(img.Pix, m.base.Pix)

	// Marker sizes follow the theme, converted to pixels at the current scale.
	scale := 1.0
	if sz := m.Size(); sz.Width > 0 {
		scale = float64(w) / float64(sz.Width)
	}
	r := float64(theme.Padding()) * scale
	// Ordinary points first so flagged ones sit on top of them.
	for pass := range 2 {
		for _, pt := range m.points {
			if pt.flagged != (pass == 1) {
				continue
			}
			x, y := proj.Project(pt.lon, pt.lat)
			if pt.flagged {
				worldmap.DrawMarker(img, x, y, r*1.6, worldmap.Diamond, flag, fg)
			} else {
				worldmap.DrawMarker(img, x, y, r, worldmap.Dot, dot, bg)
			}
		}
	}
	if m.selected >= 0 && m.selected < len(m.points) {
		pt := m.points[m.selected]
		x, y := proj.Project(pt.lon, pt.lat)
		worldmap.DrawMarker(img, x, y, r*3, worldmap.Ring, fg, fg)
	}
	return img
}

type worldMapRenderer struct {
	m      *worldMap
	raster *canvas.Raster
}

func (r *worldMapRenderer) Layout(size fyne.Size) { r.raster.Resize(size) }
func (r *worldMapRenderer) MinSize() fyne.Size    { return r.m.MinSize() }
func (r *worldMapRenderer) Refresh()              { r.raster.Refresh() }
func (r *worldMapRenderer) Destroy()              {}
func (r *worldMapRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.raster}
}

// legendMarker is one marker of the map's legend, drawn by the same code as the
// map so the legend cannot disagree with it.
func legendMarker(flagged bool) fyne.CanvasObject {
	r := canvas.NewRaster(func(w, h int) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		th := fyne.CurrentApp().Settings().Theme()
		v := fyne.CurrentApp().Settings().ThemeVariant()
		rad := float64(min(w, h)) / 2 * 0.7
		cx, cy := float64(w)/2, float64(h)/2
		if flagged {
			worldmap.DrawMarker(img, cx, cy, rad*1.2, worldmap.Diamond, th.Color(theme.ColorNameError, v), th.Color(theme.ColorNameForeground, v))
		} else {
			worldmap.DrawMarker(img, cx, cy, rad, worldmap.Dot, th.Color(theme.ColorNamePrimary, v), th.Color(theme.ColorNameBackground, v))
		}
		return img
	})
	s := theme.TextSize() * 1.2
	r.SetMinSize(fyne.NewSize(s, s))
	return r
}
