// Package worldmap draws the world offline: Natural Earth's 1:110m country
// outlines (public domain, https://www.naturalearthdata.com/, taken from the
// world-atlas npm package by Michael Bostock, ISC licence) embedded in the
// binary, an equirectangular projection, and a small rasterizer that paints the
// land and markers into an image. It knows nothing about Fyne: the screens give
// it their theme colours and show the image.
//
// The embedded countries-110m.bin is made by ./internal/gen from world-atlas's
// countries-110m.json. Layout, little-endian: "VDWM" 0x01; uint16 country count;
// per country: uint8 name length, name, uint8 id length, id (ISO 3166-1 numeric),
// uint16 ring count; per ring: uint32 point count, then float32 longitude,
// latitude pairs in degrees.
package worldmap

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"math"
	"sync"
)

//go:embed countries-110m.bin
var countriesBin []byte

// Point is a longitude and latitude in degrees.
type Point struct{ Lon, Lat float32 }

// Country is one country's outline: closed rings (the last point joins the
// first), outer boundaries and holes alike.
type Country struct {
	Name  string
	ID    string // ISO 3166-1 numeric, as Natural Earth gives it
	Rings [][]Point
}

var countries = sync.OnceValue(func() []Country {
	cs, err := decode(countriesBin)
	if err != nil {
		// The file is embedded and checked by a test; a broken build shows an
		// empty map rather than taking the console down.
		return nil
	}
	return cs
})

// Countries returns the embedded outlines, decoded on first use. The slice is
// shared: callers must not modify it.
func Countries() []Country { return countries() }

var errCorrupt = errors.New("worldmap: corrupt outline data")

// decode reads the embedded format, checking every length against the data.
func decode(b []byte) ([]Country, error) {
	if len(b) < 7 || string(b[:5]) != "VDWM\x01" {
		return nil, errCorrupt
	}
	b = b[5:]
	n := int(binary.LittleEndian.Uint16(b))
	b = b[2:]
	out := make([]Country, 0, n)
	str := func() (string, bool) {
		if len(b) < 1 || len(b) < 1+int(b[0]) {
			return "", false
		}
		s := string(b[1 : 1+int(b[0])])
		b = b[1+int(b[0]):]
		return s, true
	}
	for range n {
		var c Country
		var ok bool
		if c.Name, ok = str(); !ok {
			return nil, errCorrupt
		}
		if c.ID, ok = str(); !ok || len(b) < 2 {
			return nil, errCorrupt
		}
		rings := int(binary.LittleEndian.Uint16(b))
		b = b[2:]
		for range rings {
			if len(b) < 4 {
				return nil, errCorrupt
			}
			pts := int(binary.LittleEndian.Uint32(b))
			b = b[4:]
			if pts < 0 || len(b)/8 < pts {
				return nil, errCorrupt
			}
			ring := make([]Point, pts)
			for i := range ring {
				ring[i] = Point{
					Lon: math.Float32frombits(binary.LittleEndian.Uint32(b)),
					Lat: math.Float32frombits(binary.LittleEndian.Uint32(b[4:])),
				}
				b = b[8:]
			}
			c.Rings = append(c.Rings, ring)
		}
		out = append(out, c)
	}
	return out, nil
}

// The latitudes the map shows: Antarctica and the high Arctic hold no logins
// and would take a third of the height.
const (
	MinLat = -58.0
	MaxLat = 84.0
)

// Aspect is the map's width over its height.
const Aspect = 360 / (MaxLat - MinLat)

// Projection is an equirectangular projection of longitudes -180..180 and
// latitudes MinLat..MaxLat onto a pixel area, keeping the aspect and centring
// the map in it.
type Projection struct {
	Scale         float64 // pixels per degree
	OffX, OffY    float64 // top-left corner of the map in the area
	Width, Height float64 // the area
}

// Fit is the largest projection that fits a w by h pixel area.
func Fit(w, h float64) Projection {
	s := math.Max(0, math.Min(w/360, h/(MaxLat-MinLat)))
	return Projection{
		Scale: s,
		OffX:  (w - 360*s) / 2, OffY: (h - (MaxLat-MinLat)*s) / 2,
		Width: w, Height: h,
	}
}

// Project gives the pixel position of a longitude and latitude in degrees.
// Latitudes outside MinLat..MaxLat are clamped to the map's edge so every
// location still shows.
func (p Projection) Project(lon, lat float64) (x, y float64) {
	lat = math.Max(MinLat, math.Min(MaxLat, lat))
	lon = math.Max(-180, math.Min(180, lon))
	return p.OffX + (lon+180)*p.Scale, p.OffY + (MaxLat-lat)*p.Scale
}

// project is Project without clamping, for outlines unwrapped past ±180.
func (p Projection) project(lon, lat float64) (x, y float64) {
	return p.OffX + (lon+180)*p.Scale, p.OffY + (MaxLat-lat)*p.Scale
}

// Unproject is the inverse of Project, for hit-testing a tap.
func (p Projection) Unproject(x, y float64) (lon, lat float64) {
	if p.Scale == 0 {
		return 0, 0
	}
	return (x-p.OffX)/p.Scale - 180, MaxLat - (y-p.OffY)/p.Scale
}
