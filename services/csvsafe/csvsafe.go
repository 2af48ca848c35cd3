// Package csvsafe writes CSV that a spreadsheet opens as text, never as
// formulas (CSV injection, OWASP "CSV Injection"). Every CSV the console and
// its command line write goes through Writer, so no cell is left out: ids and
// account ids come from the backend and from what agents typed as much as
// free text does.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// formulaStarts are the characters a spreadsheet may read as the start of a
// formula: OWASP's = + - @, and their full-width forms, which some
// spreadsheets (Excel with an East Asian input method) also take as formulas.
const formulaStarts = "=+-@＝＋－＠"

// Cell returns s as a spreadsheet reads it as text: a cell that starts with
// = + - @ (ASCII or full-width), with a tab, a carriage return or a line
// feed, or with white space followed by one of = + - @, gets a single quote
// (') in front, as OWASP advises. Any other cell is returned unchanged, and
// Cell(Cell(s)) == Cell(s). Quoting the cell for CSV (commas, double quotes,
// line breaks) is encoding/csv's work, which Writer does.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '\t', '\r', '\n':
		return "'" + s
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(s, unicode.IsSpace))
	if strings.ContainsRune(formulaStarts, first) {
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer that passes every cell of every record through Cell.
// Use it, not csv.Writer, for any CSV a person may open in a spreadsheet.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, every cell neutralised by Cell. The caller's slice
// is not changed.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// WriteAll writes the records as Write does and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// Flush writes any buffered data to the underlying io.Writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error from a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }
