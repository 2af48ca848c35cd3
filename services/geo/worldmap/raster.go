package worldmap

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sync"
)

// Style are the colours of a rendered map; the screens take them from the theme.
type Style struct {
	Sea, Land, Border color.Color
}

// subsamples is the number of sub-scanlines per pixel row: enough anti-aliasing
// that coastlines do not look jagged at the small sizes a tab gives the map.
const subsamples = 4

type edge struct {
	x0, y0, x1, y1 float64 // y0 < y1
}

// Render paints the sea, the land and the country borders into dst through p.
// p should be Fit(dst's size); dst's origin is the projection's origin. Only the
// map's own rectangle gets the sea colour: the margins Fit leaves to keep the
// aspect stay as they were, so the map sits on the screen's background.
func Render(dst *image.RGBA, p Projection, s Style) {
	b := dst.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return
	}
	x0, y0 := p.project(-180, MaxLat)
	x1, y1 := p.project(180, MinLat)
	mapRect := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1))).Add(b.Min)
	clip := dst.SubImage(mapRect).(*image.RGBA)
	fill(clip, toRGBA(s.Sea))

	// Edges of every ring in pixel space, bucketed by the first sub-scanline
	// they cross so each row only looks at the edges it can meet.
	buckets := make([][]edge, h)
	var borders []edge
	for _, r := range drawRings() {
		for i := range r {
			a, bb := r[i], r[(i+1)%len(r)]
			x0, y0 := p.project(float64(a.Lon), float64(a.Lat))
			x1, y1 := p.project(float64(bb.Lon), float64(bb.Lat))
			// The seam the unwrapping closed along ±180 is not a border.
			if !(math.Abs(float64(a.Lon)) >= 180 && a.Lon == bb.Lon) {
				borders = append(borders, edge{x0, y0, x1, y1})
			}
			if y0 == y1 {
				continue
			}
			if y0 > y1 {
				x0, y0, x1, y1 = x1, y1, x0, y0
			}
			row := int(math.Floor(y0))
			if row >= h || y1 < 0 {
				continue
			}
			row = max(row, 0)
			buckets[row] = append(buckets[row], edge{x0, y0, x1, y1})
		}
	}

	land := toRGBA(s.Land)
	cov := make([]float64, w+1)
	var active []edge
	var xs []float64
	for y := range h {
		active = append(active, buckets[y]...)
		// Drop edges that end above this row.
		active = slices.DeleteFunc(active, func(e edge) bool { return e.y1 < float64(y) })
		clear(cov)
		for s := range subsamples {
			sy := float64(y) + (float64(s)+0.5)/subsamples
			xs = xs[:0]
			for _, e := range active {
				if sy >= e.y0 && sy < e.y1 {
					xs = append(xs, e.x0+(sy-e.y0)*(e.x1-e.x0)/(e.y1-e.y0))
				}
			}
			slices.Sort(xs)
			// Even-odd: countries do not overlap, and holes (Lesotho in South
			// Africa) are other countries' land anyway.
			for i := 0; i+1 < len(xs); i += 2 {
				addSpan(cov, xs[i], xs[i+1], 1.0/subsamples)
			}
		}
		for x := range w {
			if c := cov[x]; c > 0 {
				// Into clip: Antarctica reaches below MinLat and must not spill
				// into the margin under the map.
				blend(clip, b.Min.X+x, b.Min.Y+y, land, math.Min(c, 1))
			}
		}
	}
	border := toRGBA(s.Border)
	for _, e := range borders {
		line(clip, e.x0, e.y0, e.x1, e.y1, border)
	}
}

// drawRings are the outlines ready to draw: rings that cross the antimeridian
// (Russia's Chukotka, Fiji) are unwrapped into one continuous ring reaching past
// ±180 and drawn twice, once shifted by 360°, so each half fills on its own side
// of the map instead of a band across the whole width.
var drawRings = sync.OnceValue(func() [][]Point {
	var out [][]Point
	for _, c := range Countries() {
		for _, r := range c.Rings {
			if len(r) == 0 {
				continue
			}
			u := make([]Point, len(r))
			u[0] = r[0]
			shift := float32(0)
			minLon, maxLon := r[0].Lon, r[0].Lon
			for i := 1; i < len(r); i++ {
				switch d := r[i].Lon - r[i-1].Lon; {
				case d > 180:
					shift -= 360
				case d < -180:
					shift += 360
				}
				u[i] = Point{r[i].Lon + shift, r[i].Lat}
				minLon, maxLon = min(minLon, u[i].Lon), max(maxLon, u[i].Lon)
			}
			out = append(out, u)
			if maxLon > 180 {
				out = append(out, shifted(u, -360))
			}
			if minLon < -180 {
				out = append(out, shifted(u, 360))
			}
		}
	}
	return out
})

func shifted(r []Point, by float32) []Point {
	out := make([]Point, len(r))
	for i, p := range r {
		out[i] = Point{p.Lon + by, p.Lat}
	}
	return out
}

// addSpan adds weight to cov over [x0, x1), with fractional ends.
func addSpan(cov []float64, x0, x1, weight float64) {
	n := float64(len(cov) - 1)
	x0, x1 = math.Max(0, x0), math.Min(n, x1)
	if x1 <= x0 {
		return
	}
	i0, i1 := int(x0), int(x1)
	if i0 == i1 {
		cov[i0] += (x1 - x0) * weight
		return
	}
	cov[i0] += (float64(i0+1) - x0) * weight
	for i := i0 + 1; i < i1; i++ {
		cov[i] += weight
	}
	if i1 < len(cov) {
		cov[i1] += (x1 - float64(i1)) * weight
	}
}

// line draws a thin anti-aliased line (half-pixel steps, coverage by distance).
func line(dst *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	dx, dy := x1-x0, y1-y0
	steps := int(math.Ceil(math.Max(math.Abs(dx), math.Abs(dy)) * 2))
	if steps == 0 {
		return
	}
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x, y := x0+dx*t, y0+dy*t
		blend(dst, int(math.Floor(x)), int(math.Floor(y)), c, 0.35)
	}
}

// Shape is how a marker looks; shapes differ so flagged events do not rely on
// colour alone.
type Shape int

const (
	// Dot is a filled circle: an ordinary login.
	Dot Shape = iota
	// Diamond is a filled diamond: a flagged login.
	Diamond
	// Ring is an open circle: the selected login, drawn over its marker.
	Ring
)

// DrawMarker draws a marker of radius r (pixels) centred on x, y, filled with
// fill and edged with outline so it stands out on land and sea alike.
func DrawMarker(dst *image.RGBA, x, y, r float64, shape Shape, fill, outline color.Color) {
	f, o := toRGBA(fill), toRGBA(outline)
	b := dst.Bounds()
	reach := r*1.5 + 2
	for py := int(math.Floor(y - reach)); py <= int(math.Ceil(y+reach)); py++ {
		for px := int(math.Floor(x - reach)); px <= int(math.Ceil(x+reach)); px++ {
			if !(image.Point{px, py}.In(b)) {
				continue
			}
			cx, cy := float64(px)+0.5-x, float64(py)+0.5-y
			// d is a signed distance-like measure: < 0 inside the shape.
			var d float64
			switch shape {
			case Diamond:
				d = (math.Abs(cx)+math.Abs(cy))/math.Sqrt2 - r/math.Sqrt2*1.25
			case Ring:
				d = math.Abs(math.Hypot(cx, cy)-r) - 1
			default:
				d = math.Hypot(cx, cy) - r
			}
			switch {
			case shape == Ring:
				if a := clamp01(0.5 - d); a > 0 {
					blend(dst, px, py, f, a)
				}
			case d < -1:
				blend(dst, px, py, f, 1)
			case d < 0:
				blend(dst, px, py, o, 1)
			case d < 1:
				blend(dst, px, py, o, 1-d)
			}
		}
	}
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

func toRGBA(c color.Color) color.RGBA {
	if c == nil {
		return color.RGBA{}
	}
	return color.RGBAModel.Convert(c).(color.RGBA)
}

func fill(dst *image.RGBA, c color.RGBA) {
	b := dst.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(b.Min.X, y):dst.PixOffset(b.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
		}
	}
}

// blend paints premultiplied c over the pixel at x, y with coverage a.
func blend(dst *image.RGBA, x, y int, c color.RGBA, a float64) {
	if !(image.Point{x, y}.In(dst.Bounds())) || a <= 0 {
		return
	}
	i := dst.PixOffset(x, y)
	p := dst.Pix[i : i+4 : i+4]
	ca := float64(c.A) / 255 * a
	mix := func(dstV, srcV uint8) uint8 {
		return uint8(math.Round(float64(srcV)*a + float64(dstV)*(1-ca)))
	}
	p[0], p[1], p[2], p[3] = mix(p[0], c.R), mix(p[1], c.G), mix(p[2], c.B), mix(p[3], c.A)
}
