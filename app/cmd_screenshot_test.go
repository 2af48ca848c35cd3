package app

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"verifydesk/services/i18n"
)

func runScreenshotForTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runScreenshot(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// readPNG decodes a screenshot and counts its distinct colours: a drawn
// window has text, badges and a chart, not one flat fill.
func readPNG(t *testing.T, path string) (image.Image, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	return img, len(colours)
}

func TestScreenshotDrawsTheScreenAtItsSizeAndScale(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		w, h int
	}{
		{[]string{"--screen", "codes"}, 1280, 800},
		{[]string{"--screen", "codes", "--theme", "light", "--scale", "1.5", "--size", "1920x1200"}, 1920, 1200},
	} {
		out := filepath.Join(dir, strings.Join(c.args, "_")+".png")
		code, stdout, stderr := runScreenshotForTest(t, append(c.args, "--out", out)...)
		if code != exitOK || strings.TrimSpace(stdout) != out {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", c.args, code, stdout, stderr)
		}
		img, colours := readPNG(t, out)
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%v: %dx%d pixels, want %dx%d", c.args, b.Dx(), b.Dy(), c.w, c.h)
		}
		if colours < 50 {
			t.Errorf("%v: %d colours: not a drawn window", c.args, colours)
		}
	}
}

// A window smaller than its content needs grows to it, as on a desktop.
func TestScreenshotGrowsATooSmallWindowToWhatItNeeds(t *testing.T) {
	out := filepath.Join(t.TempDir(), "small.png")
	if code, _, stderr := runScreenshotForTest(t, "--screen", "activity", "--scale", "1.5", "--size", "800x600", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	img, _ := readPNG(t, out)
	if b := img.Bounds(); b.Dx() <= 800 || b.Dy() <= 600 {
		t.Errorf("%dx%d: the window did not grow to its content", b.Dx(), b.Dy())
	}
}

func TestScreenshotRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--screen", "codes"},
		{"--screen", "nope", "--out", "x.png"},
		{"--screen", "codes", "--out", "x.png", "--theme", "pink"},
		{"--screen", "codes", "--out", "x.png", "--scale", "0"},
		{"--screen", "codes", "--out", "x.png", "--scale", "NaN"},
		{"--screen", "codes", "--out", "x.png", "--size", "12x"},
		{"--screen", "codes", "--out", "x.png", "--lang", "tlh"},
	} {
		code, _, stderr := runScreenshotForTest(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "verifydesk screenshot: ") || !strings.Contains(stderr, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// LANG=zh_TW.UTF-8 draws the screen in Traditional Chinese, as --lang zh-TW
// does; the screen differs from the English one.
func TestScreenshotInTheSystemLanguage(t *testing.T) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", "zh_TW.UTF-8")
	t.Cleanup(func() { os.Setenv("LANG", "C"); useLanguage(i18n.English, i18n.System()) })
	dir := t.TempDir()
	zh := filepath.Join(dir, "zh.png")
	if code, _, stderr := runScreenshotForTest(t, "--screen", "signin", "--out", zh); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if i18n.Current() != i18n.ChineseTraditional {
		t.Errorf("LANG=zh_TW drew in %s", i18n.Current())
	}
	en := filepath.Join(dir, "en.png")
	if code, _, stderr := runScreenshotForTest(t, "--screen", "signin", "--out", en, "--lang", "en"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(zh)
	b, _ := os.ReadFile(en)
	if bytes.Equal(a, b) {
		t.Error("the Traditional Chinese sign-in screen is the English one")
	}
}
