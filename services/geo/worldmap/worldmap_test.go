package worldmap

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

func TestCountriesDecode(t *testing.T) {
	cs := Countries()
	if len(cs) < 170 {
		t.Fatalf("%d countries, want the 177 of Natural Earth 1:110m", len(cs))
	}
	byName := map[string]Country{}
	points := 0
	for _, c := range cs {
		byName[c.Name] = c
		for _, r := range c.Rings {
			points += len(r)
			for _, p := range r {
				if p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90 {
					t.Fatalf("%s: point out of range %v", c.Name, p)
				}
			}
		}
	}
	for _, name := range []string{"Taiwan", "United Kingdom", "United States of America", "Germany", "China", "Japan", "Brazil", "India", "Nigeria", "Russia"} {
		if len(byName[name].Rings) == 0 {
			t.Errorf("no outline for %s", name)
		}
	}
	if points < 8000 {
		t.Errorf("%d points, want the whole 1:110m outline", points)
	}
}

func TestDecodeRejectsCorruptData(t *testing.T) {
	for n := 0; n < len(countriesBin); n += 997 {
		if _, err := decode(countriesBin[:n]); err == nil && n < len(countriesBin) {
			// A prefix that happens to end on a country boundary is valid only
			// if it declares fewer countries, which it does not.
			t.Errorf("decode(prefix %d) = nil error", n)
		}
	}
}

func TestProjection(t *testing.T) {
	p := Fit(720, 400)
	// The map keeps its aspect: 720 wide gives 2 px per degree, 284 high,
	// centred vertically.
	if p.Scale != 2 || p.OffX != 0 || p.OffY != (400-284)/2 {
		t.Fatalf("Fit = %+v", p)
	}
	x, y := p.Project(-180, MaxLat)
	if x != 0 || y != p.OffY {
		t.Errorf("top-left = %v,%v", x, y)
	}
	x, y = p.Project(121.5319, 25.0478) // Taipei
	lon, lat := p.Unproject(x, y)
	if d := lon - 121.5319; d > 1e-9 || d < -1e-9 || lat-25.0478 > 1e-9 || lat-25.0478 < -1e-9 {
		t.Errorf("round trip = %v,%v", lon, lat)
	}
	if _, y := p.Project(0, -89); y != p.OffY+(MaxLat-MinLat)*2 {
		t.Errorf("south pole not clamped to the edge: %v", y)
	}
}

func TestRenderPaintsLandWhereLandIs(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 720, 284))
	sea, land := color.RGBA{20, 40, 90, 255}, color.RGBA{200, 200, 180, 255}
	Render(img, Fit(720, 284), Style{Sea: sea, Land: land, Border: color.RGBA{255, 255, 255, 255}})
	p := Fit(720, 284)
	at := func(lon, lat float64) color.RGBA {
		x, y := p.Project(lon, lat)
		return img.RGBAAt(int(x), int(y))
	}
	// Middle of Brazil, Sahara, Siberia: land. Mid-Pacific, mid-Atlantic: sea.
	for _, ll := range [][2]float64{{-52, -10}, {3, 27}, {100, 62}, {-100, 40}} {
		if c := at(ll[0], ll[1]); c != land {
			t.Errorf("%v should be land, got %v", ll, c)
		}
	}
	// (-5, 70) and (-30, -16.5) lie on the bands a ring crossing the
	// antimeridian (Russia, Fiji) would paint if drawn naively.
	for _, ll := range [][2]float64{{-150, 0}, {-35, 30}, {80, -30}, {-5, 70}, {-30, -16.5}} {
		if c := at(ll[0], ll[1]); c != sea {
			t.Errorf("%v should be sea, got %v", ll, c)
		}
	}
	DrawMarker(img, 100, 100, 5, Diamond, color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 0, 255})
	if c := img.RGBAAt(100, 100); c != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("marker centre = %v", c)
	}
	if os.Getenv("WORLDMAP_PNG") != "" {
		f, _ := os.Create(os.Getenv("WORLDMAP_PNG"))
		png.Encode(f, img)
		f.Close()
	}
}

func BenchmarkRender(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 800, 320))
	s := Style{Sea: color.White, Land: color.Gray{180}, Border: color.Black}
	for b.Loop() {
		Render(img, Fit(800, 320), s)
	}
}

func TestRenderLeavesMarginsAlone(t *testing.T) {
	// A tall area: the map is centred with margins above and below, which
	// must stay untouched (transparent), Antarctica included.
	img := image.NewRGBA(image.Rect(0, 0, 360, 400))
	p := Fit(360, 400)
	Render(img, p, Style{Sea: color.RGBA{0, 0, 255, 255}, Land: color.RGBA{0, 255, 0, 255}, Border: color.RGBA{255, 255, 255, 255}})
	for _, y := range []int{0, int(p.OffY) - 2, int(p.OffY+(MaxLat-MinLat)*p.Scale) + 2, 399} {
		for x := 0; x < 360; x += 7 {
			if c := img.RGBAAt(x, y); c.A != 0 {
				t.Fatalf("margin pixel %d,%d painted %v", x, y, c)
			}
		}
	}
}
