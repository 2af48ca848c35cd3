package cases

import (
	"strings"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
)

// languageOfRegion is the language the console speaks to customers of a
// country in: Traditional Chinese in Taiwan, Hong Kong and Macau, Simplified
// Chinese in mainland China and Singapore, Russian where the help pages'
// Russian site serves. Elsewhere English.
var languageOfRegion = map[string]i18n.Language{
	"TW": i18n.ChineseTraditional, "HK": i18n.ChineseTraditional, "MO": i18n.ChineseTraditional,
	"CN": i18n.ChineseSimplified, "SG": i18n.ChineseSimplified,
	"RU": i18n.Russian, "BY": i18n.Russian, "KZ": i18n.Russian, "KG": i18n.Russian,
}

// SuggestedLanguage is the language to speak with the account's customer:
// the one their app runs in, if the console has it, else their country's;
// why says which.
func SuggestedLanguage(a data.Account) (lang i18n.Language, why i18n.Text) {
	if l, ok := i18n.Parse(a.AppLanguage); ok {
		return l, i18n.Msg("the customer's app runs in {{.Language}}", i18n.M{"Language": l.Name()})
	}
	if l, ok := languageOfRegion[strings.ToUpper(a.Region)]; ok {
		return l, i18n.Msg("the account is in {{.Country}}", i18n.M{"Country": phone.RegionNameIn(i18n.Current(), a.Region)})
	}
	return i18n.English, i18n.Msg("neither the customer's app nor the account's country names another language")
}

// CustomerLanguage is the language of a case: the one the agent chose on it,
// else the account's suggestion.
func CustomerLanguage(c data.Case, a data.Account) i18n.Language {
	if l, ok := i18n.Parse(c.CustomerLanguage); ok && c.CustomerLanguage != "" {
		return l
	}
	l, _ := SuggestedLanguage(a)
	return l
}

// StepIn is a checklist step's text in a language: the customer's.
func StepIn(l *i18n.Localizer, id, english string) string { return l.Content("step."+id, english) }

// CategoryIn is a category's title and what the customer says, in a language.
func CategoryIn(l *i18n.Localizer, id, title, says string) (string, string) {
	return l.Content("category."+id+".title", title), l.Content("category."+id+".customer_says", says)
}

// FieldIn is an escalation field's label in a language.
func FieldIn(l *i18n.Localizer, id, label string) string { return l.Content("field."+id, label) }
