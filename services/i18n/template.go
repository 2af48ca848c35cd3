package i18n

import (
	"text/template"
	"text/template/parse"
)

// parseTemplate parses a message as go-i18n does ({{ }} delimiters): the
// English fallback's template, filled when a translation fails.
func parseTemplate(text string) (*template.Template, error) {
	return template.New("").Option("missingkey=zero").Parse(text)
}

// checkTemplate reports a message whose template does not parse, at load,
// so that it falls back to English instead of showing a blank label. Its
// syntax only: functions are not looked up, which spares building
// text/template's function table for each of the thousands of messages.
func checkTemplate(text string) error {
	t := parse.New("")
	t.Mode = parse.SkipFuncCheck
	_, err := t.Parse(text, "", "", map[string]*parse.Tree{})
	return err
}
