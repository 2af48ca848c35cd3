package cache

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Attachment limits (SPEC 8: size-limited).
const (
	MaxAttachmentSize  = 5 << 20  // one file
	MaxCaseAttachments = 20 << 20 // all the files of one case
)

// Attachment types accepted, by content (never by the name alone).
const (
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeText = "text/plain"
	TypeZip  = "application/zip"
)

// AttachmentInfo describes a stored attachment.
type AttachmentInfo struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Type    string    `json:"type"` // one of the Type* constants
	Size    int64     `json:"size"`
	AddedAt time.Time `json:"added_at"`
}

// SniffAttachment returns the type of content when it is one the cache
// accepts: a PNG or JPEG screenshot, a plain-text log (UTF-8, no control
// bytes but tab, CR, LF and form feed) or a zip archive of logs (named .zip).
// ErrAttachmentType otherwise.
func SniffAttachment(name string, content []byte) (string, error) {
	ct := http.DetectContentType(content)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch ct {
	case TypePNG, TypeJPEG:
		return ct, nil
	case TypeZip:
		if strings.EqualFold(filepath.Ext(name), ".zip") {
			return TypeZip, nil
		}
	case TypeText:
		// DetectContentType looks at 512 bytes only: check the whole log.
		if utf8.Valid(content) && !bytes.ContainsFunc(content, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f'
		}) {
			return TypeText, nil
		}
	}
	return "", fmt.Errorf("%w: %s (accepted: PNG or JPEG screenshots, text logs, .zip archives of logs)", ErrAttachmentType, ct)
}

// AddAttachment stores a file the customer sent with a cached case: at most
// MaxAttachmentSize, MaxCaseAttachments for the whole case, of a type
// SniffAttachment accepts. name is kept (sealed) for display and export.
func (c *Cache) AddAttachment(caseID, name string, content []byte) (AttachmentInfo, error) {
	if len(content) == 0 || len(content) > MaxAttachmentSize {
		return AttachmentInfo{}, fmt.Errorf("%w: %d bytes (at most %d MiB a file)", ErrAttachmentTooLarge, len(content), MaxAttachmentSize>>20)
	}
	typ, err := SniffAttachment(name, content)
	if err != nil {
		return AttachmentInfo{}, err
	}
	info := AttachmentInfo{ID: uuid.NewString(), Name: filepath.Base(name), Type: typ, Size: int64(len(content)), AddedAt: c.now()}
	err = c.update(func(tx *bolt.Tx) error {
		var rec caseRec
		ok, err := c.getSealed(tx.Bucket(bucketCases), bucketCases, []byte(caseID), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("case %s: %w", caseID, ErrNotFound)
		}
		total := info.Size
		for _, a := range rec.Attachments {
			total += a.Size
		}
		if total > MaxCaseAttachments {
			return fmt.Errorf("%w: the case's attachments would reach %d bytes (at most %d MiB a case)", ErrAttachmentTooLarge, total, MaxCaseAttachments>>20)
		}
		key := childKey(caseID, info.ID)
		if err := tx.Bucket(bucketAttachments).Put(key, c.k.seal(aadFor(bucketAttachments, key), content)); err != nil {
			return err
		}
		rec.Attachments = append(rec.Attachments, info)
		return c.putSealed(tx.Bucket(bucketCases), bucketCases, []byte(caseID), rec)
	})
	if err != nil {
		return AttachmentInfo{}, err
	}
	return info, nil
}

// Attachment reads an attachment's content.
func (c *Cache) Attachment(caseID, id string) ([]byte, error) {
	var out []byte
	err := c.view(func(tx *bolt.Tx) error {
		key := childKey(caseID, id)
		raw := tx.Bucket(bucketAttachments).Get(key)
		if raw == nil {
			return fmt.Errorf("attachment %s: %w", id, ErrNotFound)
		}
		b, err := c.k.open(aadFor(bucketAttachments, key), raw)
		if err != nil {
			c.problem("attachments/"+printableKey(key), err)
			return err
		}
		out = b
		return nil
	})
	return out, err
}
