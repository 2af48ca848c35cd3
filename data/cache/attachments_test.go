package cache

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
)

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipBytes(t *testing.T) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create("app.log")
	f.Write([]byte("log line\n"))
	w.Close()
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	if err := c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now())}); err != nil {
		t.Fatal(err)
	}
	accepted := map[string][]byte{
		"2fa-settings.png": pngBytes(t), "photo.jpg": jpegBytes(t),
		"app.log": []byte("12:00 login failed\r\n12:01 code requested\n"), "logs.zip": zipBytes(t),
	}
	for name, content := range accepted {
		info, err := c.AddAttachment("c-1", name, content)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := c.Attachment("c-1", info.ID)
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("%s read back: %v", name, err)
		}
	}
	rec, _ := c.Case("c-1")
	if len(rec.Attachments) != len(accepted) {
		t.Errorf("the case lists %d attachments", len(rec.Attachments))
	}
	for name, content := range map[string][]byte{
		"logs.exe":   zipBytes(t), // a zip must be named .zip
		"tool.exe":   append([]byte("MZ\x90\x00"), make([]byte, 100)...),
		"doc.pdf":    []byte("%PDF-1.7\n"),
		"binary.log": append([]byte("looks like text "), 0, 1, 2),
		"page.html":  []byte("<html><script>x</script></html>"),
	} {
		if _, err := c.AddAttachment("c-1", name, content); !errors.Is(err, ErrAttachmentType) {
			t.Errorf("%s: %v, want ErrAttachmentType", name, err)
		}
	}
	big := bytes.Repeat([]byte("a"), MaxAttachmentSize+1)
	if _, err := c.AddAttachment("c-1", "huge.log", big); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("a file over the limit: %v", err)
	}
	// 20 MiB a case: three 5 MiB logs fit beside the small ones, a fourth does not.
	four := bytes.Repeat([]byte("b"), MaxAttachmentSize)
	for i := 0; i < 3; i++ {
		if _, err := c.AddAttachment("c-1", "part.log", four); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	if _, err := c.AddAttachment("c-1", "part.log", four); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("over the case's total: %v", err)
	}
	if _, err := c.AddAttachment("c-none", "a.png", pngBytes(t)); !errors.Is(err, ErrNotFound) {
		t.Errorf("attachment of an uncached case: %v", err)
	}
}
