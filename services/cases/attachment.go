package cases

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxAttachmentSize is the largest attachment a case keeps: a phone screenshot
// is well under it, and a bigger log zips.
const MaxAttachmentSize = 5 << 20

// Attachment kinds: what the help pages ask customers to send.
const (
	KindScreenshot = "screenshot" // PNG or JPEG: photos of the 2FA settings (001)
	KindAppLog     = "app_log"    // plain text or zip: the app logs (000 QA)
)

// Attachment errors. CheckAttachment wraps exactly one of them in an
// *AttachmentError whose message is a sentence for the agent.
var (
	ErrAttachmentName     = errors.New("attachment name not usable")
	ErrAttachmentEmpty    = errors.New("attachment is empty")
	ErrAttachmentTooLarge = errors.New("attachment too large")
	ErrAttachmentType     = errors.New("attachment type not accepted")
	ErrAttachmentDamaged  = errors.New("attachment damaged")
)

// AttachmentError is a refused attachment: Err is one of the ErrAttachment
// sentinels (for errors.Is), Message the sentence to show the agent.
type AttachmentError struct {
	Err     error
	Message string
}

func (e *AttachmentError) Error() string { return e.Message }
func (e *AttachmentError) Unwrap() error { return e.Err }

func refuse(err error, format string, args ...any) error {
	return &AttachmentError{Err: err, Message: fmt.Sprintf(format, args...)}
}

// Attachment is what a case records about an attachment; the content itself is
// kept by the cache, keyed by the hash.
type Attachment struct {
	Name    string    `json:"name"`
	Kind    string    `json:"kind"` // KindScreenshot or KindAppLog
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	AddedAt time.Time `json:"added_at"`
}

// NewAttachment checks an attachment (CheckAttachment) and describes it.
func NewAttachment(name string, content []byte, at time.Time) (Attachment, error) {
	kind, err := CheckAttachment(name, content)
	if err != nil {
		return Attachment{}, err
	}
	h := sha256.Sum256(content)
	return Attachment{Name: name, Kind: kind, Size: int64(len(content)), SHA256: hex.EncodeToString(h[:]), AddedAt: at}, nil
}

// CheckAttachment decides whether a case can keep a file the customer sent, by
// what the bytes are (net/http.DetectContentType plus the zip signatures), not
// by the name: a PNG or JPEG screenshot (KindScreenshot), or an app log as plain
// text or a zip archive (KindAppLog). The file must be 1 byte to
// MaxAttachmentSize, an image must have a readable header and a zip a readable
// directory, and a known extension (.png, .jpg, .txt, .log, .zip...) must agree
// with the content. name is the file's base name, as the customer sent it. The
// error is an *AttachmentError, safe to show the agent as it is.
func CheckAttachment(name string, content []byte) (kind string, err error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	switch {
	case len(content) == 0:
		return "", refuse(ErrAttachmentEmpty, "The file %q is empty: ask the customer to send it again.", name)
	case len(content) > MaxAttachmentSize:
		return "", refuse(ErrAttachmentTooLarge, "The file %q is %s; attachments can be at most %s. Ask the customer for a smaller screenshot, or for the log as a zip.",
			name, sizeWords(int64(len(content))), sizeWords(MaxAttachmentSize))
	}
	ctype, what := sniff(content)
	switch ctype {
	case "image/png":
		if _, err := png.DecodeConfig(bytes.NewReader(content)); err != nil {
			return "", refuse(ErrAttachmentDamaged, "The screenshot %q is damaged (it starts like a PNG image but cannot be read): ask the customer to send it again.", name)
		}
		kind = KindScreenshot
	case "image/jpeg":
		if _, err := jpeg.DecodeConfig(bytes.NewReader(content)); err != nil {
			return "", refuse(ErrAttachmentDamaged, "The photo %q is damaged (it starts like a JPEG image but cannot be read): ask the customer to send it again.", name)
		}
		kind = KindScreenshot
	case "application/zip":
		r, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
		if err != nil {
			return "", refuse(ErrAttachmentDamaged, "The zip archive %q is damaged or cut short: ask the customer to zip the logs again.", name)
		}
		if len(r.File) == 0 {
			return "", refuse(ErrAttachmentEmpty, "The zip archive %q holds no files: ask the customer to zip the app logs again.", name)
		}
		kind = KindAppLog
	case "text/plain":
		if bytes.IndexByte(content, 0) >= 0 && !strings.HasPrefix(what, "UTF-16") {
			return "", refuse(ErrAttachmentType, "The file %q starts as text but holds binary data further on: ask the customer for the app log as exported by the app, or zipped.", name)
		}
		kind = KindAppLog
	default:
		return "", refuse(ErrAttachmentType, "The file %q is %s. A case keeps PNG or JPEG screenshots and app logs as text or zip.", name, what)
	}
	if want, ok := extKinds[strings.ToLower(filepath.Ext(name))]; ok && want != ctype {
		return "", refuse(ErrAttachmentType, "The file %q is named like %s but holds %s: ask the customer to send the original file.", name, typeNames[want], what)
	}
	return kind, nil
}

// extKinds are the extensions whose content is checked against the name: a
// ".png" that is really a zip is a renamed or wrong file.
var extKinds = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".txt": "text/plain", ".log": "text/plain", ".zip": "application/zip",
}

var typeNames = map[string]string{
	"image/png": "a PNG image", "image/jpeg": "a JPEG image", "text/plain": "a text file", "application/zip": "a zip archive",
}

// sniff names the content: a base media type for the accepted ones, and words
// for the agent for every answer.
func sniff(b []byte) (ctype, what string) {
	// DetectContentType only knows a zip by its first local header; an empty
	// archive or a spanned one starts with another signature.
	for _, sig := range []string{"PK\x03\x04", "PK\x05\x06", "PK\x07\x08"} {
		if bytes.HasPrefix(b, []byte(sig)) {
			return "application/zip", "a zip archive"
		}
	}
	full := http.DetectContentType(b)
	base, params, _ := strings.Cut(full, ";")
	switch base {
	case "image/png", "image/jpeg", "application/zip":
		return base, typeNames[base]
	case "text/plain":
		cs := strings.TrimPrefix(strings.TrimSpace(params), "charset=")
		return base, strings.ToUpper(cs) + " text"
	}
	// HEIC is what an iPhone camera saves; the sniffer does not know it, and it
	// is the likeliest wrong file a customer sends.
	if len(b) >= 12 && string(b[4:8]) == "ftyp" && strings.HasPrefix(string(b[8:12]), "hei") {
		return "image/heic", "an HEIC photo (the iPhone camera format); ask for a screenshot instead, which is PNG"
	}
	if w, ok := otherTypes[base]; ok {
		return base, w
	}
	if base == "application/octet-stream" {
		return base, "a file of unknown type"
	}
	return base, "of type " + base
}

var otherTypes = map[string]string{
	"image/gif": "a GIF image", "image/webp": "a WebP image", "image/bmp": "a BMP image",
	"application/pdf": "a PDF document", "application/x-gzip": "a gzip archive",
	"application/x-rar-compressed": "a RAR archive", "text/html": "a web page", "text/xml": "an XML file",
	"video/mp4": "a video", "video/webm": "a video", "audio/mpeg": "an audio file",
}

func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return refuse(ErrAttachmentName, "The attachment has no file name.")
	case len(name) > 255:
		return refuse(ErrAttachmentName, "The file name is longer than 255 characters: rename the file and attach it again.")
	case !utf8.ValidString(name):
		return refuse(ErrAttachmentName, "The file name is not valid text: rename the file and attach it again.")
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return refuse(ErrAttachmentName, "The file name %q includes a folder: attach the file itself.", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return refuse(ErrAttachmentName, "The file name %q contains control characters: rename the file and attach it again.", name)
		}
	}
	return nil
}
