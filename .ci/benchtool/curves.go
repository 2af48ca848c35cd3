package main

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// curveSizes are the sizes of "how cost grows".
var curveSizes = []int{1_000, 10_000, 100_000}

// curve is one figure's p95 in milliseconds at each of curveSizes (NaN where
// it was not measured).
type curve struct {
	name string
	p95  []float64
}

// curveTable prints the curves as numbers, with the growth from the first
// size to the last and what that growth looks like.
func curveTable(curves []curve) string {
	var b strings.Builder
	b.WriteString("| how cost grows (p95) | 1k | 10k | 100k | 100k / 1k | k in cost ~ n^k |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range curves {
		fmt.Fprintf(&b, "| %s |", c.name)
		for _, v := range c.p95 {
			fmt.Fprintf(&b, " %s |", fmtMS(v))
		}
		first, last := c.p95[0], c.p95[len(c.p95)-1]
		growth := last / first
		fmt.Fprintf(&b, " %s | %s |\n", fmtRatio(growth), shape(growth, float64(curveSizes[len(curveSizes)-1])/float64(curveSizes[0])))
	}
	return b.String()
}

// shape is the exponent k of cost ~ n^k over a growth in size by sizeRatio,
// with a word for it: about 0 is flat (a fixed cost dominates), 1 linear.
// Noise on a busy machine moves k by a tenth or two.
func shape(growth, sizeRatio float64) string {
	if math.IsNaN(growth) || growth <= 0 {
		return "—"
	}
	k := math.Log(growth) / math.Log(sizeRatio)
	word := "superlinear"
	switch {
	case k < 0.15:
		word = "flat"
	case k < 0.8:
		word = "sublinear"
	case k < 1.2:
		word = "linear"
	}
	return fmt.Sprintf("%.2f (%s)", k, word)
}

// plotCurves writes the curves as a PNG, log-log: a flat cost is a level
// line, a linear one climbs a decade per decade.
func plotCurves(curves []curve, path string) error {
	p := plot.New()
	p.Title.Text = "Verifydesk: how cost grows (p95, 2-core machine)"
	p.X.Label.Text = "size (cases, accounts, events, audit entries)"
	p.Y.Label.Text = "p95 (ms)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 1e3, Label: "1k"}, {Value: 1e4, Label: "10k"}, {Value: 1e5, Label: "100k"}})
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	// Room above the curves for the legend: the y axis goes two decades
	// higher than the largest figure.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range curves {
		for _, v := range c.p95 {
			if !math.IsNaN(v) && v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi > 0 && !math.IsInf(hi, 0) {
		p.Y.Min, p.Y.Max = math.Min(lo, 16.7)/2, math.Max(hi, 16.7)*300
	}
	p.Add(plotter.NewGrid())
	// One frame at 60 Hz, the goal of the screen rows.
	frame, err := plotter.NewLine(plotter.XYs{{X: 1e3, Y: 16.7}, {X: 1e5, Y: 16.7}})
	if err != nil {
		return err
	}
	frame.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	frame.Color = color.Gray{Y: 0x80}
	p.Add(frame)
	p.Legend.Add("one frame (16.7 ms)", frame)
	palette := []color.RGBA{{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
		{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff}}
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}
	for i, c := range curves {
		var pts plotter.XYs
		for j, v := range c.p95 {
			if !math.IsNaN(v) && v > 0 {
				pts = append(pts, plotter.XY{X: float64(curveSizes[j]), Y: v})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.5)
		points.Color = line.Color
		points.Shape = shapes[i%len(shapes)]
		p.Add(line, points)
		p.Legend.Add(c.name, line, points)
	}
	return p.Save(16*vg.Centimeter, 10*vg.Centimeter, path)
}
