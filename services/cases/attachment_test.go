package cases_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"unicode"

	"verifydesk/services/cases"
)

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipBytes(t testing.TB, files ...string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range files {
		fw, err := w.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte("2026-12-01 09:00:01 I/Tapo: push token refreshed\n"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckAttachmentAccepts(t *testing.T) {
	log := []byte("2026-12-01 09:00:01 I/Tapo: login start\n2026-12-01 09:00:02 W/Tapo: 2fa push not received\n")
	utf16 := append([]byte{0xFF, 0xFE}, []byte("l\x00o\x00g\x00")...)
	tests := []struct {
		name    string
		content []byte
		kind    string
	}{
		{"settings.png", pngBytes(t), cases.KindScreenshot},
		{"IMG_0042.JPG", jpegBytes(t), cases.KindScreenshot},
		{"photo.jpeg", jpegBytes(t), cases.KindScreenshot},
		{"screenshot", pngBytes(t), cases.KindScreenshot}, // no extension: the content decides
		{"tapo.log", log, cases.KindAppLog},
		{"tapo-log.txt", log, cases.KindAppLog},
		{"logs.json", []byte(`{"level":"info"}`), cases.KindAppLog},
		{"windows.log", utf16, cases.KindAppLog},
		{"logs.zip", zipBytes(t, "tapo.log"), cases.KindAppLog},
		{"日志.zip", zipBytes(t, "a.log", "b.log"), cases.KindAppLog},
	}
	for _, tt := range tests {
		kind, err := cases.CheckAttachment(tt.name, tt.content)
		if err != nil || kind != tt.kind {
			t.Errorf("%s: kind %q err %v, want %q", tt.name, kind, err, tt.kind)
		}
	}
	big := bytes.Repeat([]byte("a log line\n"), cases.MaxAttachmentSize/11+1)
	if _, err := cases.CheckAttachment("big.log", big[:cases.MaxAttachmentSize]); err != nil {
		t.Errorf("exactly the limit: %v", err)
	}
}

func TestCheckAttachmentRefuses(t *testing.T) {
	heic := append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	emptyZip := []byte("PK\x05\x06" + strings.Repeat("\x00", 18))
	tests := []struct {
		name    string
		content []byte
		err     error
		words   string
	}{
		{"", []byte("x"), cases.ErrAttachmentName, "no file name"},
		{"../../etc/passwd", []byte("x"), cases.ErrAttachmentName, "folder"},
		{"a\x00b.txt", []byte("x"), cases.ErrAttachmentName, "control characters"},
		{strings.Repeat("a", 256), []byte("x"), cases.ErrAttachmentName, "255"},
		{"bad\xff.txt", []byte("x"), cases.ErrAttachmentName, "not valid text"},
		{"empty.log", nil, cases.ErrAttachmentEmpty, "is empty"},
		{"huge.log", make([]byte, cases.MaxAttachmentSize+1), cases.ErrAttachmentTooLarge, "at most 5.0 MiB"},
		{"anim.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), cases.ErrAttachmentType, "a GIF image"},
		{"doc.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), cases.ErrAttachmentType, "a PDF document"},
		{"IMG_1.HEIC", heic, cases.ErrAttachmentType, "HEIC"},
		{"page.html", []byte("<!DOCTYPE html><html><body>hi</body></html>"), cases.ErrAttachmentType, "a web page"},
		{"blob.bin", []byte{0x00, 0x01, 0x02, 0xfe, 0x80}, cases.ErrAttachmentType, "unknown type"},
		{"cut.png", pngBytes(t)[:20], cases.ErrAttachmentDamaged, "damaged"},
		{"cut.jpg", jpegBytes(t)[:4], cases.ErrAttachmentDamaged, "damaged"},
		{"cut.zip", zipBytes(t, "a.log")[:30], cases.ErrAttachmentDamaged, "damaged"},
		{"empty.zip", emptyZip, cases.ErrAttachmentEmpty, "holds no files"},
		{"renamed.png", zipBytes(t, "a.log"), cases.ErrAttachmentType, "named like a PNG image but holds a zip archive"},
		{"photo.txt", jpegBytes(t), cases.ErrAttachmentType, "named like a text file"},
		{"half.log", append([]byte(strings.Repeat("line\n", 200)), 0, 0, 0), cases.ErrAttachmentType, "binary data"},
	}
	for _, tt := range tests {
		kind, err := cases.CheckAttachment(tt.name, tt.content)
		if !errors.Is(err, tt.err) || kind != "" {
			t.Errorf("%.40q: kind %q err %v, want %v", tt.name, kind, err, tt.err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.words) {
			t.Errorf("%.40q: %q does not say %q", tt.name, msg, tt.words)
		}
		if !sentence(msg) {
			t.Errorf("%.40q: %q is not a sentence for the agent", tt.name, msg)
		}
		var ae *cases.AttachmentError
		if !errors.As(err, &ae) {
			t.Errorf("%.40q: not an *AttachmentError", tt.name)
		}
	}
}

func sentence(s string) bool {
	r := []rune(s)
	return len(r) > 1 && unicode.IsUpper(r[0]) && strings.HasSuffix(s, ".")
}

func TestNewAttachment(t *testing.T) {
	a, err := cases.NewAttachment("tapo.log", []byte("hello\n"), testTime)
	if err != nil {
		t.Fatal(err)
	}
	want := cases.Attachment{Name: "tapo.log", Kind: cases.KindAppLog, Size: 6, AddedAt: testTime,
		SHA256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}
	if a != want {
		t.Errorf("NewAttachment = %+v", a)
	}
	if _, err := cases.NewAttachment("x.gif", []byte("GIF89a"), testTime); !errors.Is(err, cases.ErrAttachmentType) {
		t.Errorf("gif: %v", err)
	}
}
