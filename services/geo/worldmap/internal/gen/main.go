// Command gen converts world-atlas's countries-110m.json (TopoJSON of Natural
// Earth's 1:110m admin-0 countries, public domain; world-atlas is ISC licensed)
// into the compact countries-110m.bin that package worldmap embeds.
//
// It is run once, by hand, when the outlines should change:
//
//	cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
//	go run ./services/geo/worldmap/internal/gen /tmp/package/countries-110m.json
//
// The output format is described in worldmap.go.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
)

type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string          `json:"type"`
				ID         string          `json:"id"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen path/to/countries-110m.json")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if topo.Type != "Topology" || topo.Transform == nil {
		return fmt.Errorf("%s: not a quantized TopoJSON topology", in)
	}
	// Decode the delta-encoded, quantized arcs into degrees.
	arcs := make([][][2]float64, len(topo.Arcs))
	for i, a := range topo.Arcs {
		var x, y float64
		for _, p := range a {
			x += p[0]
			y += p[1]
			arcs[i] = append(arcs[i], [2]float64{
				x*topo.Transform.Scale[0] + topo.Transform.Translate[0],
				y*topo.Transform.Scale[1] + topo.Transform.Translate[1],
			})
		}
	}
	// ring joins arcs; a negative index ~i is arc i reversed. Consecutive arcs
	// share their joining point, so it is dropped from every arc but the first.
	ring := func(idx []int) [][2]float64 {
		var out [][2]float64
		for k, i := range idx {
			var a [][2]float64
			if i < 0 {
				a = reversed(arcs[^i])
			} else {
				a = arcs[i]
			}
			if k > 0 {
				a = a[1:]
			}
			out = append(out, a...)
		}
		return out
	}

	var buf bytes.Buffer
	buf.WriteString("VDWM\x01")
	geoms := topo.Objects.Countries.Geometries
	put := func(v any) { binary.Write(&buf, binary.LittleEndian, v) }
	put(uint16(len(geoms)))
	for _, g := range geoms {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return err
			}
		default:
			continue
		}
		name := g.Properties.Name
		if len(name) > 255 {
			name = name[:255]
		}
		buf.WriteByte(byte(len(name)))
		buf.WriteString(name)
		buf.WriteByte(byte(len(g.ID)))
		buf.WriteString(g.ID)
		var rings [][][2]float64
		for _, p := range polys {
			for _, r := range p {
				rings = append(rings, ring(r))
			}
		}
		put(uint16(len(rings)))
		for _, r := range rings {
			put(uint32(len(r)))
			for _, pt := range r {
				put([2]float32{round32(pt[0]), round32(pt[1])})
			}
		}
	}
	_, self, _, _ := runtime.Caller(0)
	out := filepath.Join(filepath.Dir(self), "..", "..", "countries-110m.bin")
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// round32 keeps four decimals (about 10 m), more than 1:110m needs, so the file
// does not change with float noise.
func round32(v float64) float32 { return float32(math.Round(v*1e4) / 1e4) }

func reversed(a [][2]float64) [][2]float64 {
	out := make([][2]float64, len(a))
	for i := range a {
		out[len(a)-1-i] = a[i]
	}
	return out
}
