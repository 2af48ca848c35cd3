package screens

import (
	"sort"
	"unicode"

	"verifydesk/services/i18n"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// dataTable is a table of text cells under a bold header row, the set-up every
// tab's table shares. Its columns are as wide as what they hold: each column
// takes its widest text (its header included) at the last Refresh, so a
// masked number keeps the last digits the agent reads back, and a date is
// never cut. When the row is wider than the table, the columns named in
// shrink give up room in that order, down to shrinkMin text heights or their
// header, whichever is wider: they
// hold free text (what a carrier said, a place), cut where the column ends,
// and the detail pane shows a selected row's whole text. Room left over goes
// to the first of them.
type dataTable struct {
	widget.Table

	// columns name the columns in English, written with i18n.Mark: they
	// identify a column (the tests find one by it), and the header shows
	// each in the agent's language.
	columns []string
	shrink  []int
	rows    func() int
	cell    func(row, col int, l *widget.Label)

	// natural is each column's widest text with the cell's padding, measured
	// at the last Refresh; widths what the table set from it for its width.
	natural []float32
	headers []float32
	widths  []float32
	scratch *widget.Label
	// probe reads a cell's text: a label never drawn, so setting its text
	// costs nothing.
	probe *widget.Label
	// sizeOf is the width of each text measured, at text size sizedAt.
	sizeOf  map[string]float32
	sizedAt float32
}

const (
	// maxColumn bounds a column that does not shrink, in text heights: a
	// value from outside of any length never pushes the others away.
	maxColumn = 30
	// shrinkMin is the least a shrinking column keeps, in text heights.
	shrinkMin = 6
	// maxMeasured bounds how many different texts of a column are measured
	// at each Refresh: a column of a long log holds many, and measuring a new
	// text holds the UI thread.
	maxMeasured = 64
	// maxMeasuredRows bounds the rows whose texts are looked at, from the
	// first: a long log's columns are sized by its newest rows, and making
	// every cell's text of a 100k-row log for each Refresh held the UI
	// thread half a second.
	maxMeasuredRows = 500
	// maxSizes bounds the sizes kept between refreshes.
	maxSizes = 4096
)

// textTable makes a dataTable. rows counts the rows; cell fills one cell's
// label, which starts each time with the leading alignment and medium
// importance, and whose text then passes through shown (outside text:
// escaped and bounded).
func textTable(columns []string, shrink []int, rows func() int, cell func(row, col int, l *widget.Label)) *dataTable {
	t := &dataTable{columns: columns, shrink: shrink, rows: rows, cell: cell, scratch: widget.NewLabel(""), probe: &widget.Label{}}
	t.Length = func() (int, int) { return rows(), len(columns) }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("template")
		// Clip, not ellipsis: Fyne 2.7 shapes an ellipsis-truncated text
		// with a new HarfBuzz font on every refresh (widget.truncateLimit),
		// for each visible cell; clipping measures with the cached text
		// sizes.
		l.Truncation = fyne.TextTruncateClip
		return l
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { t.fill(id.Row, id.Col, o.(*widget.Label)) }
	headedBy(&t.Table, columns)
	t.ExtendBaseWidget(t)
	t.measure()
	t.layoutColumns(0)
	return t
}

// headedBy gives t one header row, in bold, naming columns (English keys
// written with i18n.Mark, shown in the agent's language), and no header
// column.
func headedBy(t *widget.Table, columns []string) {
	t.ShowHeaderRow, t.ShowHeaderColumn = true, false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		text := ""
		if id.Row < 0 && id.Col >= 0 && id.Col < len(columns) {
			text = i18n.T(columns[id.Col])
		}
		o.(*widget.Label).SetText(text)
	}
}

// fill sets l to the text of one cell.
func (t *dataTable) fill(row, col int, l *widget.Label) {
	l.Alignment = fyne.TextAlignLeading
	l.Importance = widget.MediumImportance
	if row < 0 || row >= t.rows() || col < 0 || col >= len(t.columns) {
		l.SetText("")
		return
	}
	t.cell(row, col, l)
	if s := shown(l.Text); s != l.Text {
		l.SetText(s)
	}
}

// Refresh measures the columns again for the rows now held, then draws.
func (t *dataTable) Refresh() {
	t.measure()
	t.layoutColumns(t.Size().Width)
	t.Table.Refresh()
}

// Resize gives the shrinking columns the room the new width has.
func (t *dataTable) Resize(size fyne.Size) {
	if size.Width != t.Size().Width {
		t.layoutColumns(size.Width)
	}
	t.Table.Resize(size)
}

// measure finds each column's natural width: its header's in bold, or its
// widest text, whichever is more. Each text is measured once (sizes) and at
// most maxMeasured different texts per column, the longest by their count
// of characters (wide ones count twice).
func (t *dataTable) measure() {
	n := t.rows()
	t.natural = make([]float32, len(t.columns))
	t.headers = make([]float32, len(t.columns))
	if t.sizeOf == nil || t.sizedAt != theme.TextSize() {
		t.sizeOf, t.sizedAt = map[string]float32{}, theme.TextSize()
	}
	header := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	for col, name := range t.columns {
		header.SetText(i18n.T(name))
		w := header.MinSize().Width
		t.headers[col] = w
		for _, s := range t.texts(col, n) {
			size, ok := t.sizeOf[s]
			if !ok {
				t.scratch.SetText(s)
				size = t.scratch.MinSize().Width
				if len(t.sizeOf) > maxSizes {
					clear(t.sizeOf)
				}
				t.sizeOf[s] = size
			}
			w = max(w, size)
		}
		t.natural[col] = w
	}
}

// texts returns the different texts of column col in its first
// maxMeasuredRows rows, at most maxMeasured of them: the longest.
func (t *dataTable) texts(col, n int) []string {
	seen := map[string]bool{}
	var out []string
	for row := range min(n, maxMeasuredRows) {
		t.fill(row, col, t.probe)
		if s := t.probe.Text; !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) <= maxMeasured {
		return out
	}
	type text struct {
		s     string
		width int
	}
	all := make([]text, len(out))
	for i, s := range out {
		all[i] = text{s, textWidth(s)}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].width > all[j].width })
	for i := range maxMeasured {
		out[i] = all[i].s
	}
	return out[:maxMeasured]
}

// textWidth estimates a text's width in narrow characters: East Asian wide
// characters take two. It only picks the texts to measure (texts): a
// Chinese text, which has no spaces, is measured whole like any other.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		w++
		if wide(r) {
			w++
		}
	}
	return w
}

// wide says whether r takes two columns: Han, kana, Hangul, Bopomofo, the
// CJK punctuation (、。「」) and the full-width forms (，：（）).
func wide(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo)
}

// layoutColumns sets the column widths for a table width wide (zero: not
// laid out yet, every column at its natural width).
func (t *dataTable) layoutColumns(width float32) {
	em := theme.TextSize()
	widths := make([]float32, len(t.columns))
	for col, w := range t.natural {
		widths[col] = min(w, maxColumn*em)
	}
	if width > 0 {
		over := t.rowWidth(widths) - width
		for _, col := range t.shrink {
			if over <= 0 {
				break
			}
			floor := max(min(widths[col], shrinkMin*em), t.headers[col])
			give := min(over, widths[col]-floor)
			widths[col] -= give
			over -= give
		}
		if over < 0 && len(t.shrink) > 0 {
			widths[t.shrink[0]] -= over // the room left over
		}
	}
	t.widths = widths
	for col, w := range widths {
		t.SetColumnWidth(col, w)
	}
}

// roomy says whether the table's width holds every column at its natural
// width, so that nothing needs to shrink (tests).
func (t *dataTable) roomy() bool {
	return t.Size().Width >= t.rowWidth(t.natural)
}

// rowWidth is the width a row takes with these column widths: each capped at
// maxColumn, and the dividers between them.
func (t *dataTable) rowWidth(widths []float32) float32 {
	total := float32(0)
	for _, w := range widths {
		total += min(w, maxColumn*theme.TextSize()) + theme.Padding()
	}
	return total
}

// cut says whether the text of a cell is wider than its column (tests).
func (t *dataTable) cut(row, col int) (string, bool) {
	t.fill(row, col, t.scratch)
	return t.scratch.Text, t.scratch.MinSize().Width > t.widths[col]
}
