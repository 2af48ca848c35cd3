package i18n

// Text is something to say later, in a language chosen then: a service makes
// it (a phone finding's advice, a refusal's reason) without knowing who will
// read it, and a screen says it in the agent's language, or in the customer's.
type Text struct {
	Key, English string
	Data         M
}

// Msg is a Text whose key is its English text: Msg("Sent to {{.To}}", M{"To": to}).
func Msg(key string, data ...M) Text {
	t := Text{Key: key, English: key}
	if len(data) > 0 {
		t.Data = data[0]
	}
	return t
}

// XMsg is a Text with an explicit key.
func XMsg(key, english string, data ...M) Text {
	t := Msg(key, data...)
	t.English = english
	return t
}

// In is the text in l's language.
func (t Text) In(l *Localizer) string {
	if t.Key == "" {
		return ""
	}
	if t.Data == nil {
		return l.X(t.Key, t.English)
	}
	return l.X(t.Key, t.English, t.Data)
}

// String is the text in the agent's language.
func (t Text) String() string { return t.In(Agent()) }

// InEnglish is the text in English: for the CLI's output, logs and exports
// that are read in English whatever the agent's language.
func (t Text) InEnglish() string { return t.In(In(English)) }
