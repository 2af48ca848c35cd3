//go:build ignore

// Pecheck checks a Windows build of Verifydesk from its PE headers and
// resource directory: an x86-64 GUI executable with an icon (RT_GROUP_ICON
// naming RT_ICON images), an application manifest, and a version resource
// whose fixed version and strings carry the given name, version and build
// (as the fyne tool combines them: 0.1.0 and 1 give 0.1.0.1).
//
//	go run .ci/pecheck.go Verifydesk.exe Verifydesk 0.1.0 1
//
// It prints what it found and exits 1 on the first thing missing.
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/pecheck.go FILE.exe NAME VERSION BUILD")
		os.Exit(2)
	}
	parts := strings.Split(os.Args[3], ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	if err := check(os.Args[1], os.Args[2], strings.Join(parts, ".")+"."+os.Args[4]); err != nil {
		fmt.Fprintln(os.Stderr, "pecheck: FAIL:", err)
		os.Exit(1)
	}
}

func check(path, name, version string) error {
	f, err := pe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return fmt.Errorf("machine %#x, want x86-64", f.Machine)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return errors.New("not PE32+")
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		return fmt.Errorf("subsystem %d, want Windows GUI (%d)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	sec := f.Section(".rsrc")
	if sec == nil {
		return errors.New("no .rsrc section: the executable has no resources")
	}
	data, err := sec.Data()
	if err != nil {
		return err
	}
	res := resources{data: data, base: sec.VirtualAddress}
	types, err := res.dir(0)
	if err != nil {
		return err
	}
	found := map[uint32][][]byte{}
	for _, t := range types {
		if t.isDir {
			items, err := res.leaves(t.offset)
			if err != nil {
				return err
			}
			found[t.id] = items
		}
	}
	groups := found[rtGroupIcon]
	if len(groups) == 0 {
		return errors.New("no RT_GROUP_ICON resource: no icon")
	}
	// GRPICONDIR: reserved, type (1 = icon), count, then 14-byte entries.
	g := groups[0]
	if len(g) < 6 || binary.LittleEndian.Uint16(g[2:]) != 1 || binary.LittleEndian.Uint16(g[4:]) == 0 {
		return errors.New("RT_GROUP_ICON is not an icon directory with images")
	}
	n := int(binary.LittleEndian.Uint16(g[4:]))
	if len(found[rtIcon]) < n {
		return fmt.Errorf("the icon group names %d images, %d RT_ICON resources present", n, len(found[rtIcon]))
	}
	var sizes []string
	for i := 0; i < n && 6+14*i+14 <= len(g); i++ {
		w, h := int(g[6+14*i]), int(g[6+14*i+1])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		sizes = append(sizes, fmt.Sprintf("%dx%d", w, h))
	}
	fmt.Printf("icon: RT_GROUP_ICON with %d image(s) %s\n", n, strings.Join(sizes, " "))
	if len(found[rtManifest]) == 0 {
		return errors.New("no RT_MANIFEST resource")
	}
	fmt.Printf("manifest: %d bytes\n", len(found[rtManifest][0]))
	vs := found[rtVersion]
	if len(vs) == 0 {
		return errors.New("no RT_VERSION resource: no version metadata")
	}
	fixed, strs, err := versionInfo(vs[0])
	if err != nil {
		return err
	}
	fmt.Printf("version: fixed %s, strings %s\n", fixed, strs)
	if fixed != version {
		return fmt.Errorf("fixed file version %s is not %s", fixed, version)
	}
	if !strings.Contains(strs, name) || !strings.Contains(strs, version) {
		return fmt.Errorf("version strings %q do not name %s %s", strs, name, version)
	}
	return nil
}

type entry struct {
	id     uint32
	isDir  bool
	offset uint32
}

// resources reads the resource tree of the .rsrc section (PE format,
// "The .rsrc Section").
type resources struct {
	data []byte
	base uint32 // the section's virtual address: data entries hold RVAs
}

func (r resources) dir(off uint32) ([]entry, error) {
	if int(off)+16 > len(r.data) {
		return nil, errors.New("resource directory out of the section")
	}
	named := int(binary.LittleEndian.Uint16(r.data[off+12:]))
	ids := int(binary.LittleEndian.Uint16(r.data[off+14:]))
	var out []entry
	for i := 0; i < named+ids; i++ {
		p := int(off) + 16 + 8*i
		if p+8 > len(r.data) {
			return nil, errors.New("resource entry out of the section")
		}
		id := binary.LittleEndian.Uint32(r.data[p:])
		target := binary.LittleEndian.Uint32(r.data[p+4:])
		out = append(out, entry{id: id &^ (1 << 31), isDir: target&(1<<31) != 0, offset: target &^ (1 << 31)})
	}
	return out, nil
}

// leaves returns the data of every resource under the directory at off.
func (r resources) leaves(off uint32) ([][]byte, error) {
	entries, err := r.dir(off)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, e := range entries {
		if e.isDir {
			sub, err := r.leaves(e.offset)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		if int(e.offset)+16 > len(r.data) {
			return nil, errors.New("resource data entry out of the section")
		}
		rva := binary.LittleEndian.Uint32(r.data[e.offset:])
		size := binary.LittleEndian.Uint32(r.data[e.offset+4:])
		start := int64(rva) - int64(r.base)
		if start < 0 || start+int64(size) > int64(len(r.data)) {
			return nil, errors.New("resource data out of the section")
		}
		out = append(out, r.data[start:start+int64(size)])
	}
	return out, nil
}

// versionInfo reads VS_VERSIONINFO: the fixed file version and the printable
// text of its string table.
func versionInfo(b []byte) (fixed, strs string, err error) {
	sig := []byte{0xBD, 0x04, 0xEF, 0xFE}
	i := bytes.Index(b, sig)
	if i < 0 || i+16 > len(b) {
		return "", "", errors.New("RT_VERSION has no VS_FIXEDFILEINFO")
	}
	ms := binary.LittleEndian.Uint32(b[i+8:])
	ls := binary.LittleEndian.Uint32(b[i+12:])
	fixed = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	u := make([]uint16, len(b)/2)
	for k := range u {
		u[k] = binary.LittleEndian.Uint16(b[2*k:])
	}
	var words []string
	for _, w := range strings.FieldsFunc(string(utf16.Decode(u)), func(r rune) bool { return r < ' ' || r > '~' }) {
		if len(w) > 1 {
			words = append(words, w)
		}
	}
	return fixed, strings.Join(words, " | "), nil
}
