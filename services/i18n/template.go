package i18n

import "text/template"

// parseTemplate parses a message as go-i18n does ({{ }} delimiters), so a
// file's broken template is found at load, not as a blank label.
func parseTemplate(text string) (*template.Template, error) {
	return template.New("").Option("missingkey=zero").Parse(text)
}
